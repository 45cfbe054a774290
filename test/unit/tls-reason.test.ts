/**
 * A refused certificate is explained in an operator's words: Node.js's
 * advice to Node.js users (--use-system-ca) never reaches the message.
 */
import { describe, expect, it } from "vitest";
import { showChainCommand } from "../../src/registry/tls-hint.ts";
import { isUnknownIssuer, tlsReason } from "../../src/registry/tls-reason.ts";

const nodeError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe("tlsReason", () => {
  it.each([
    [
      "DEPTH_ZERO_SELF_SIGNED_CERT",
      "self-signed certificate; if the root CA is installed locally, try running Node.js with --use-system-ca",
      "self-signed certificate",
    ],
    [
      "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
      "unable to get local issuer certificate; if the root CA is installed locally, try running Node.js with --use-system-ca",
      "signed by an unknown authority",
    ],
    ["CERT_HAS_EXPIRED", "certificate has expired", "the certificate has expired"],
    [
      "SOME_FUTURE_CODE",
      "odd certificate; if the root CA is installed locally, try running Node.js with --use-system-ca",
      "odd certificate",
    ],
    [
      "ERR_TLS_CERT_ALTNAME_INVALID",
      "Hostname/IP does not match certificate's altnames: IP: 10.0.0.1 is not in the cert's list: ",
      "Hostname/IP does not match certificate's altnames: IP: 10.0.0.1 is not in the cert's list:",
    ],
  ])("%s", (code, message, reason) => {
    expect(tlsReason(nodeError(code, message))).toBe(reason);
    expect(tlsReason(nodeError(code, message))).not.toMatch(/Node\.js|--use-system-ca/);
  });
});

describe("isUnknownIssuer: a CA is what is missing, so a wrong --ca-file is worth naming", () => {
  it.each([
    ["DEPTH_ZERO_SELF_SIGNED_CERT", true],
    ["SELF_SIGNED_CERT_IN_CHAIN", true],
    ["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", true],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", true],
    ["CERT_HAS_EXPIRED", false],
    ["ERR_TLS_CERT_ALTNAME_INVALID", false],
  ])("%s: %s", (code, expected) => {
    expect(isUnknownIssuer(nodeError(code, "x"))).toBe(expected);
  });
});

describe("showChainCommand", () => {
  it("names port 443 when -r has none: s_client's own default is 4433", () => {
    expect(showChainCommand("reg.example.com")).toBe("openssl s_client -showcerts -connect reg.example.com:443 </dev/null");
    expect(showChainCommand("10.0.0.1:5000")).toBe("openssl s_client -showcerts -connect 10.0.0.1:5000 </dev/null");
  });
});
