/**
 * One temporary directory per run, handed to the container tool as TMPDIR
 * and removed when the run ends, interrupted or not. podman copies images
 * through TMPDIR (default /var/tmp) and leaves its files there when it is
 * stopped mid-push or mid-save: hundreds of MB each time.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

export interface RunTempDir {
  readonly path: string;
  /**
   * The TMPDIR to hand the container tool: this directory, unless that
   * would move a rootless podman's runtime directory. Without
   * XDG_RUNTIME_DIR and a /run/user/<uid> of its own (a `su -` session),
   * podman keeps its runtime state and logins under $TMPDIR/podman-run-<uid>:
   * another TMPDIR would hide the user's login from it.
   */
  readonly forTool?: string;
  /** Removes the directory and whatever the tools left in it. */
  remove(): void;
}

/** Under the caller's TMPDIR, else /var/tmp as podman would use: on disk, not a small tmpfs. */
export function createRunTempDir(env: NodeJS.ProcessEnv): RunTempDir {
  const path = mkdtempSync(join(env.TMPDIR || "/var/tmp", "push-images-"));
  return {
    path,
    forTool: runtimeDirIgnoresTmpdir(env) ? path : undefined,
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

function runtimeDirIgnoresTmpdir(env: NodeJS.ProcessEnv): boolean {
  const uid = process.getuid?.() ?? 0;
  if (uid === 0 || env.XDG_RUNTIME_DIR) return true;
  try {
    const runUser = statSync(`/run/user/${uid}`);
    return runUser.isDirectory() && runUser.uid === uid;
  } catch {
    return false;
  }
}
