/**
 * A refused certificate is explained in an operator's words: Node.js's
 * advice to Node.js users (--use-system-ca) never reaches the message.
 */
import { describe, expect, it } from "vitest";
import { tlsReason } from "../../src/tls-reason.ts";

const nodeError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe("tlsReason", () => {
  it.each([
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate; if the root CA is installed locally, try running Node.js with --use-system-ca", "self-signed certificate"],
    ["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "unable to get local issuer certificate; if the root CA is installed locally, try running Node.js with --use-system-ca", "signed by an unknown authority"],
    ["CERT_HAS_EXPIRED", "certificate has expired", "the certificate has expired"],
    ["SOME_FUTURE_CODE", "odd certificate; if the root CA is installed locally, try running Node.js with --use-system-ca", "odd certificate"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "Hostname/IP does not match certificate's altnames: IP: 10.0.0.1 is not in the cert's list: ", "Hostname/IP does not match certificate's altnames: IP: 10.0.0.1 is not in the cert's list:"],
  ])("%s", (code, message, reason) => {
    expect(tlsReason(nodeError(code, message))).toBe(reason);
    expect(tlsReason(nodeError(code, message))).not.toMatch(/Node\.js|--use-system-ca/);
  });
});
