/**
 * Where `podman login` and `docker login` keep logins, in the order the
 * tools read them (podman 4.3 / containers-image, docker 20.10). A rootless
 * podman without XDG_RUNTIME_DIR (a `su -` or `sudo -iu` session) resolves
 * its runtime directory itself, and its logins live there.
 */
import { statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { ContainerToolName } from "../options/product-defaults.ts";

/** What the lookup needs from the host; unit tests pass their own. */
export interface HostFacts {
  readonly uid: number;
  /** True when `dir` is a directory owned by `uid` with the owner's rwx bits. */
  readonly ownsDir: (dir: string, uid: number) => boolean;
}

/** The auth files the tool consults, first match wins. */
export function authFiles(tool: ContainerToolName, env: NodeJS.ProcessEnv, host: HostFacts = realHost()): string[] {
  const home = env.HOME || homedir();
  const dockerConfig = join(env.DOCKER_CONFIG || join(home, ".docker"), "config.json");
  if (tool === "docker") return [dockerConfig];
  // --authfile (REGISTRY_AUTH_FILE) takes the place of the runtime file; the others are still read.
  return [
    env.REGISTRY_AUTH_FILE || podmanRuntimeAuthFile(env, host),
    join(env.XDG_CONFIG_HOME || join(home, ".config"), "containers/auth.json"),
    dockerConfig,
  ];
}

/** The file `podman login` writes when REGISTRY_AUTH_FILE is not set. */
export function podmanRuntimeAuthFile(env: NodeJS.ProcessEnv, host: HostFacts = realHost()): string {
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, "containers/auth.json");
  // Root podman leaves XDG_RUNTIME_DIR unset and containers-image falls back to this.
  if (host.uid === 0) return "/run/containers/0/auth.json";
  return join(rootlessRuntimeDir(env, host), "containers/auth.json");
}

/** podman's GetRuntimeDir for a rootless user without XDG_RUNTIME_DIR (podman 4.3, checked on Debian 12). */
function rootlessRuntimeDir(env: NodeJS.ProcessEnv, host: HostFacts): string {
  // Go's os.TempDir(): $TMPDIR, else /tmp.
  const candidates = [`/run/user/${host.uid}`, join(env.TMPDIR || "/tmp", `podman-run-${host.uid}`)];
  return candidates.find((dir) => host.ownsDir(dir, host.uid)) ?? join(env.HOME || homedir(), "rundir");
}

function realHost(): HostFacts {
  return { uid: process.getuid?.() ?? 0, ownsDir };
}

function ownsDir(dir: string, uid: number): boolean {
  try {
    const stat = statSync(dir);
    return stat.isDirectory() && stat.uid === uid && (stat.mode & 0o700) === 0o700;
  } catch {
    return false;
  }
}
