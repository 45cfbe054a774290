/**
 * What dockerd needs for --ca-file. docker takes no CA per push: the daemon
 * reads `/etc/docker/certs.d/<host:port>/*.crt` at each push (no restart
 * needed), on the daemon's host. So the question is whether the CA files'
 * certificates are already there, and if not, which commands put them there.
 */
import { X509Certificate } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { CERTIFICATE_BLOCK, type CaFile } from "../options/ca-files.ts";
import { formatCommand } from "../engine/command-text.ts";

/** Where a rootful dockerd looks for a registry's CAs. */
export const DOCKER_CERTS_D = "/etc/docker/certs.d";

/** The CA files with a certificate that `<root>/<host>/*.crt` lacks. */
export function missingFromDockerCertsDir(caFiles: readonly CaFile[], host: string, root = DOCKER_CERTS_D): CaFile[] {
  const installed = new Set(crtFiles(join(root, host)).flatMap(([, text]) => fingerprintsIn(text)));
  return caFiles.filter((ca) => ca.fingerprints.some((fingerprint) => !installed.has(fingerprint)));
}

/**
 * The commands that install `missing` for dockerd, one line to paste: the
 * first as `ca.crt`, as docker's documentation names it, then names no
 * file there has, so no CA already installed is replaced.
 */
export function installCommands(missing: readonly CaFile[], host: string, root = DOCKER_CERTS_D): string {
  const dir = join(root, host);
  const taken = new Set(crtFiles(dir).map(([name]) => name));
  const commands = [formatCommand("sudo", ["mkdir", "-p", dir])];
  for (const ca of missing) {
    let name = "ca.crt";
    for (let n = 2; taken.has(name); n++) name = `ca-${n}.crt`;
    taken.add(name);
    // Absolute, so the line works from any directory (and on the daemon's host if the path is the same there).
    commands.push(formatCommand("sudo", ["cp", isAbsolute(ca.file) ? ca.file : resolve(ca.file), join(dir, name)]));
  }
  return commands.join(" && ");
}

/**
 * The daemon's host when DOCKER_HOST names another machine (tcp://, ssh://):
 * its certs.d cannot be seen from here. Undefined for a local socket.
 */
export function remoteDockerHost(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.DOCKER_HOST;
  if (!value || value.startsWith("unix://") || value.startsWith("fd://")) return undefined;
  let hostname: string;
  try {
    hostname = new URL(value).hostname.replace(/^\[(.*)\]$/, "$1");
  } catch {
    return value;
  }
  return /^(localhost|127\.\d+\.\d+\.\d+|::1)$/.test(hostname) ? undefined : hostname;
}

/** `[name, text]` of each `*.crt` in `dir` this user can read; none when it is missing. */
function crtFiles(dir: string): Array<readonly [string, string]> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(".crt"));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      return [[name, readFileSync(join(dir, name), "utf8")] as const];
    } catch {
      return [];
    }
  });
}

function fingerprintsIn(text: string): string[] {
  return (text.match(CERTIFICATE_BLOCK) ?? []).flatMap((block) => {
    try {
      return [new X509Certificate(block).fingerprint256];
    } catch {
      return [];
    }
  });
}
