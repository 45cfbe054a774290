/**
 * A throwaway CA and server certificates made with openssl. The CA stays in
 * the bed's directory (never in the system trust store), so a registry that
 * uses one of these certificates is "self-signed" for podman and dockerd,
 * and tests that need to trust it pass the CA file explicitly.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./run.ts";

// EC keys: generated in milliseconds, and Go's TLS (registry, podman, dockerd) takes them.
const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

export interface CertAuthority {
  certFile: string;
  keyFile: string;
}

export interface ServerCert {
  certFile: string;
  keyFile: string;
}

export async function createCa(dir: string): Promise<CertAuthority> {
  const certFile = join(dir, "ca.crt");
  const keyFile = join(dir, "ca.key");
  await run("openssl", [
    "req",
    "-x509",
    ...EC_KEY,
    "-keyout",
    keyFile,
    "-out",
    certFile,
    "-days",
    "2",
    "-subj",
    "/CN=push-images test bed CA",
  ]);
  return { certFile, keyFile };
}

/** A server certificate for the given IP addresses, signed by `ca`. */
export async function issueServerCert(ca: CertAuthority, dir: string, name: string, ips: readonly string[]): Promise<ServerCert> {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  const csrFile = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(
    extFile,
    [
      `subjectAltName=${ips.map((ip) => `IP:${ip}`).join(",")}`,
      "basicConstraints=CA:FALSE",
      "keyUsage=digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
    ].join("\n"),
  );
  await run("openssl", ["req", ...EC_KEY, "-keyout", keyFile, "-out", csrFile, "-subj", `/CN=${ips[0] ?? name}`]);
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    csrFile,
    "-CA",
    ca.certFile,
    "-CAkey",
    ca.keyFile,
    "-CAcreateserial",
    "-out",
    certFile,
    "-days",
    "2",
    "-extfile",
    extFile,
  ]);
  return { certFile, keyFile };
}
