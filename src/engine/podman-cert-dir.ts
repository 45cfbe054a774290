/**
 * The directory podman gets with `--cert-dir` for --ca-file. `--cert-dir`
 * replaces podman's certs.d lookup for that push (the system's CAs still
 * apply): containers/image takes the first of
 * `~/.config/containers/certs.d/<host>`, `/etc/containers/certs.d/<host>`
 * and `/etc/docker/certs.d/<host>` that exists, and reads its `*.crt` (CAs),
 * `*.cert` and `*.key` (client certificate). So the directory holds the
 * --ca-file certificates and a copy of that directory's files, and a client
 * certificate the site set up keeps working.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CaFile } from "../options/ca-files.ts";
import { failure } from "../core/errors.ts";

export interface PodmanCertDir {
  readonly path: string;
  /** The certs.d directory podman would have read, when there is one. */
  readonly copiedFrom?: string;
  /** The files copied from it. */
  readonly copied: readonly string[];
}

const TLS_FILE = /\.(crt|cert|key)$/;

/** The certs.d directory podman reads for `host` when not given --cert-dir, as containers/image looks it up. */
function podmanCertsDir(host: string, home: string): string | undefined {
  const roots = [join(home, ".config/containers/certs.d"), "/etc/containers/certs.d", "/etc/docker/certs.d"];
  // containers/image skips a directory it may not look at, as one that is not there.
  return roots
    .map((root) => join(root, host))
    .find((dir) => {
      try {
        return statSync(dir).isDirectory();
      } catch {
        return false;
      }
    });
}

/** Writes the directory under `parent` (the run's temporary directory, only this user's). */
export function writePodmanCertDir(parent: string, caFiles: readonly CaFile[], host: string, home: string): PodmanCertDir {
  const path = mkdtempSync(join(parent, "cert-dir-"));
  const copiedFrom = podmanCertsDir(host, home);
  const copied = copiedFrom ? copyTlsFiles(copiedFrom, path, host) : [];
  // Named apart from anything certs.d may hold, so nothing there is replaced.
  caFiles.forEach((ca, index) =>
    writeFileSync(join(path, `push-images-ca-file-${index + 1}.crt`), ca.pem, { mode: 0o644, flag: "wx" }),
  );
  return { path, copiedFrom, copied };
}

function copyTlsFiles(from: string, to: string, host: string): string[] {
  let names: string[];
  try {
    names = readdirSync(from)
      .filter((name) => TLS_FILE.test(name))
      .sort();
  } catch {
    // podman too reads nothing from a directory it may not list.
    return [];
  }
  for (const name of names) {
    const source = join(from, name);
    let content: Buffer;
    try {
      content = readFileSync(source);
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? String(error);
      throw failure(
        "CERTS_DIR_UNREADABLE",
        `${source} cannot be read by this user (${why}), and podman reads it for every push to ${host}`,
        `give this user read access to it (sudo setfacl -m u:$(id -un):r ${source}), or remove it if the registry does not need it`,
      );
    }
    // A client key stays readable by this user alone, as the run's directory is.
    writeFileSync(join(to, name), content, { mode: name.endsWith(".key") ? 0o600 : 0o644, flag: "wx" });
  }
  return names;
}
