/**
 * Section C's peak memory (issue 11): `push-images save` and
 * `push-images --from-archive` of a bundle over 1 GB, each run under GNU
 * time (`%M`: the child's ru_maxrss, KiB). The set is the product-like one
 * with a large random file in each image's own layer, so the bundle stays
 * big after gzip; it lives in a storage of its own, removed afterwards.
 */
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Cleanup } from "./cleanup.ts";
import { createPodmanStorage } from "./podman-storage.ts";
import { mustRun } from "./processes.ts";
import { IMAGES, sourceRef, TARGET_PATH } from "./product.ts";
import { buildProductLikeImages, type ProductLikeSizes } from "./product-like-images.ts";
import { startRegistry } from "./registry.ts";
import { checkToolRun } from "./contenders.ts";

const GNU_TIME = "/usr/bin/time";

export interface ArchiveMemory {
  readonly sizes: ProductLikeSizes;
  readonly bundleBytes: number;
  /** Peak RSS in KiB; undefined without GNU time. */
  readonly savePeakKiB?: number;
  readonly fromArchivePeakKiB?: number;
}

export interface ArchiveMemoryContext {
  readonly workDir: string;
  readonly binary: string;
  readonly cleanup: Cleanup;
  readonly sizes: ProductLikeSizes;
  readonly progress: (line: string) => void;
}

export async function archiveMemory(ctx: ArchiveMemoryContext): Promise<ArchiveMemory> {
  const mark = ctx.cleanup.mark();
  const dir = join(ctx.workDir, "big");
  try {
    const storage = createPodmanStorage(join(dir, "storage"), ctx.cleanup);
    ctx.progress(`peak memory: building the big set (${mib(ctx.sizes.uniqueBytes ?? 0)} of random bytes per image) ...`);
    await buildProductLikeImages(storage, dir, IMAGES, sourceRef, ctx.sizes);
    const bundle = join(dir, "bundle.tar");
    ctx.progress("peak memory: push-images save of the big set ...");
    const save = await peak(ctx.binary, ["save", "-o", bundle, "-c", "podman"], storage.env, join(dir, "save.rss"));
    const bundleBytes = statSync(bundle).size;
    // The images are in the bundle now: the storage's copy only takes disk.
    await mustRun("podman", ["rmi", "--all", "--force"], { env: storage.env });
    const registry = await startRegistry(join(dir, "registry"), ctx.cleanup);
    ctx.progress(`peak memory: push-images --from-archive of the ${mib(bundleBytes)} bundle ...`);
    const pushArgs = ["--from-archive", bundle, "-r", `${registry.host}/${TARGET_PATH}`, "-t", "--json"];
    const push = await peak(ctx.binary, pushArgs, storage.env, join(dir, "push.rss"));
    return { sizes: ctx.sizes, bundleBytes, savePeakKiB: save, fromArchivePeakKiB: push };
  } finally {
    await ctx.cleanup.runSince(mark);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the binary (under GNU time when there is one) and returns its peak RSS in KiB. */
async function peak(
  binary: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  rssFile: string,
): Promise<number | undefined> {
  const memory = existsSync(GNU_TIME);
  const run = memory
    ? await mustRun(GNU_TIME, ["-f", "%M", "-o", rssFile, binary, ...args], { env })
    : await mustRun(binary, args, { env });
  if (args.includes("--json")) checkToolRun("push-images --from-archive (big set)", run, "pushed");
  return memory ? Number(readFileSync(rssFile, "utf8").trim().split("\n").at(-1)) : undefined;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}
