/** A throwaway self-signed CA made by openssl (EC: milliseconds), for --ca-file tests. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** Writes `<dir>/<name>.pem` (the certificate) and `<dir>/<name>.key`; returns the certificate's path. */
export function makeTestCa(dir: string, name: string): string {
  const certFile = join(dir, `${name}.pem`);
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      join(dir, `${name}.key`),
      "-out",
      certFile,
      "-days",
      "1",
      "-subj",
      `/CN=${name}`,
    ],
    { stdio: "ignore" },
  );
  return certFile;
}
