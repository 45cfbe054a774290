/**
 * The bed's scratch directory. Removal first unmounts anything left mounted
 * beneath it (dockerd and podman bind-mount their storage roots), else
 * `rm -rf` would fail with EBUSY or reach into a mount.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runRaw } from "./run.ts";

/** Short prefix: dockerd's unix sockets live under it and paths are capped at 108 bytes. */
export function makeScratchDir(): string {
  return mkdtempSync(join(tmpdir(), "pib-"));
}

export async function removeScratchDir(dir: string): Promise<void> {
  for (const mountPoint of mountsUnder(dir)) {
    await runRaw("umount", ["--lazy", mountPoint]);
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Mount points under `dir`, deepest first. */
function mountsUnder(dir: string): string[] {
  const mounts = readFileSync("/proc/self/mounts", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[1] ?? "")
    // /proc/self/mounts escapes spaces and the like as octal.
    .map((field) => field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))))
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`));
  return mounts.sort((a, b) => b.length - a.length);
}
