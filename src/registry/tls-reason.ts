/**
 * Why Node.js refused a registry's certificate, in an operator's words.
 * Node's own messages can end in advice for Node.js users ("try running
 * Node.js with --use-system-ca"), which means nothing to someone running
 * push-images: the operator's fix is --ca-file, a CA in certs.d, or -t.
 */

/** Node's codes for a certificate whose issuer is not among the trusted CAs. */
const UNKNOWN_ISSUER = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
]);

const REASONS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "self-signed certificate in the chain",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "signed by an unknown authority",
  UNABLE_TO_GET_ISSUER_CERT: "signed by an unknown authority",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "signed by an unknown authority",
  CERT_HAS_EXPIRED: "the certificate has expired",
  CERT_NOT_YET_VALID: "the certificate is not valid yet",
};

/** The reason for a TLS verification error, without Node.js's advice to Node.js users. */
export function tlsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? "";
  const reason = REASONS[code];
  if (reason) return reason;
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/[;.,]?\s*(?:if [^;]*, )?try running Node\.js with [^;]*$/i, "").trim();
}

/** The certificate was refused for its issuer (not its name or dates): a CA is what is missing. */
export function isUnknownIssuer(error: unknown): boolean {
  return UNKNOWN_ISSUER.has((error as NodeJS.ErrnoException | undefined)?.code ?? "");
}
