/**
 * The bed's non-root operator in tests: runs podman or docker as that user,
 * with its own environment (no XDG_RUNTIME_DIR, as after `su -`), and
 * builds its images in its rootless podman storage.
 */
import { chownSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { buildImage } from "../../bed/images.ts";
import { run } from "../../bed/run.ts";
import { useBed, type BedOperator } from "./bed.ts";

export function operator(): BedOperator {
  return useBed().operator;
}

/** Runs a command as the operator; throws unless it exits 0. `env` is added to (or, undefined, removed from) its environment. */
export function asOperator(cmd: string, args: readonly string[], env: Record<string, string | undefined> = {}): Promise<string> {
  const op = operator();
  const merged: NodeJS.ProcessEnv = { ...op.env, ...env };
  return run(cmd, args, { env: merged, cwd: op.home, as: op });
}

/**
 * Builds `<path>/<image>:<tag>` for each image in the operator's rootless
 * podman and returns their ids (`sha256:...`) by image name.
 */
export async function buildOperatorImages(images: readonly string[], path: string, tag: string): Promise<Record<string, string>> {
  const op = operator();
  const dir = mkdtempSync(join(op.home, "images-"));
  // Written by root (this process) for the operator's podman to read.
  chownSync(dir, op.uid, op.gid);
  const ids: Record<string, string> = {};
  for (const [i, image] of images.entries()) {
    const ref = `${path}/${image}:${tag}`;
    await buildImage(join(dir, `ctx-${i}`), ref, op.env, op);
    ids[image] = `sha256:${await asOperator("podman", ["image", "inspect", "--format", "{{.Id}}", ref])}`;
  }
  return ids;
}
