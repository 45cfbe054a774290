/**
 * A certificate made for other names than the one -r gives (Node's
 * ERR_TLS_CERT_ALTNAME_INVALID). No CA fixes that, so the fix is not
 * --ca-file: it is -r with a name the certificate holds, or a certificate
 * that holds this one.
 */
import { failure, type PushImagesError } from "../core/errors.ts";

interface AltNameError {
  readonly code?: string;
  readonly cause?: unknown;
  /** The certificate the registry sent, as tls.getPeerCertificate() gives it. */
  readonly cert?: { readonly subjectaltname?: string; readonly subject?: { readonly CN?: string } };
}

/**
 * TLS_NAME_MISMATCH when `error` (or its cause) says the certificate is for
 * other names; `prefix` is -r as typed, whose host the fix replaces.
 */
export function certificateNameMismatch(error: unknown, host: string, prefix: string): PushImagesError | undefined {
  const altName = altNameError(error);
  if (!altName) return undefined;
  const names = certificateNames(altName);
  const port = /:\d+$/.exec(host)?.[0] ?? "";
  const hostName = host.slice(0, host.length - port.length);
  const first = names[0];
  const suggestion = first ? `-r ${prefix.replace(hostName, first.includes(":") ? `[${first}]` : first)}, ` : "";
  return failure(
    "TLS_NAME_MISMATCH",
    `the TLS certificate of ${host} does not hold the name ${hostName}` +
      (names.length > 0 ? `: it is for ${names.join(", ")}` : "") +
      " (a CA cannot fix that)",
    `${suggestion}if that name reaches the same registry; ` +
      `or have the registry's certificate reissued with ${hostName} in its subjectAltName`,
  );
}

function altNameError(error: unknown): AltNameError | undefined {
  for (let at = error as AltNameError | undefined; at; at = at.cause as AltNameError | undefined) {
    if (at.code === "ERR_TLS_CERT_ALTNAME_INVALID") return at;
  }
  return undefined;
}

/** `DNS:a, IP Address:1.2.3.4` -> `a`, `1.2.3.4`; the CN when there is no subjectAltName (which TLS then ignores). */
function certificateNames({ cert }: AltNameError): string[] {
  const alt = (cert?.subjectaltname ?? "")
    .split(",")
    .map((entry) => entry.trim().replace(/^(?:DNS|IP Address):/, ""))
    .filter(Boolean);
  return alt.length > 0 ? alt : cert?.subject?.CN ? [cert.subject.CN] : [];
}
