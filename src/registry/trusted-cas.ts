/**
 * The certificates podman and docker trust for a registry: the system's
 * store plus the per-registry `certs.d/<host:port>/*.crt` directories, so
 * preflight trusts exactly what the push will.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { rootCertificates } from "node:tls";
import type { ContainerToolName } from "../options/product-defaults.ts";

const SYSTEM_BUNDLES = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"];

/** A --ca-file's certificates (CaFile, src/options/ca-files.ts, whose hints import this module's through tls-hint.ts). */
interface TrustedPem {
  readonly pem: string;
}

/** The system-wide directory first: the one a hint tells an operator to put a CA in. */
export function certsDirectories(tool: ContainerToolName, host: string): string[] {
  return tool === "podman"
    ? [join("/etc/containers/certs.d", host), join(homedir(), ".config/containers/certs.d", host)]
    : [join("/etc/docker/certs.d", host), join(homedir(), ".docker/certs.d", host)];
}

/** The system's CAs, the certs.d CAs of each tool named (a bundle push trusts both tools' directories) and the --ca-file CAs. */
export function trustedCas(tools: readonly ContainerToolName[], host: string, caFiles: readonly TrustedPem[] = []): string[] {
  const system = SYSTEM_BUNDLES.filter(existsSync)
    .slice(0, 1)
    .map((file) => readFileSync(file, "utf8"));
  const perRegistry = tools
    .flatMap((tool) => certsDirectories(tool, host))
    .flatMap((dir) =>
      existsSync(dir)
        ? readdirSync(dir)
            .filter((f) => f.endsWith(".crt"))
            .map((f) => readFileSync(join(dir, f), "utf8"))
        : [],
    );
  return [...rootCertificates, ...system, ...perRegistry, ...caFiles.map((ca) => ca.pem)];
}
