/**
 * One temporary directory per run, handed to the container tool as TMPDIR
 * and removed when the run ends, interrupted or not. podman copies images
 * through TMPDIR (default /var/tmp) and leaves its files there when it is
 * stopped mid-push or mid-save: hundreds of MB each time.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";

export interface RunTempDir {
  readonly path: string;
  /** Removes the directory and whatever the tools left in it. */
  remove(): void;
}

/** Under the caller's TMPDIR, else /var/tmp as podman would use: on disk, not a small tmpfs. */
export function createRunTempDir(env: NodeJS.ProcessEnv): RunTempDir {
  const path = mkdtempSync(join(env.TMPDIR || "/var/tmp", "push-images-"));
  return {
    path,
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
