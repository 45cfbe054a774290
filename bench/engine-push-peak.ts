/**
 * Section E (issue 23): the tool's own peak RSS during an engine push
 * (`-c podman`) of the product-like set into a fresh, empty registry on
 * loopback, under `unshare` with an empty blob-info cache as every run of
 * the section. Read from the tool's VmHWM (own-peak.ts): GNU time would
 * report podman's peak, which is not the tool's.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { ownBlobInfoCache, prepareBlobInfoCache } from "./blob-info-cache.ts";
import type { Cleanup } from "./cleanup.ts";
import { watchOwnPeak, type PeakWatch } from "./own-peak.ts";
import type { PodmanStorage } from "./podman-storage.ts";
import { tail, timed } from "./processes.ts";
import { SOURCE_TAG, TARGET_PATH } from "./product.ts";
import { startRegistry } from "./registry.ts";

export interface EnginePushPeak {
  readonly run: number;
  readonly ms: number;
  readonly peakKiB: number;
}

export interface EnginePushContext {
  readonly storage: PodmanStorage;
  readonly images: readonly string[];
  readonly workDir: string;
  readonly binary: string;
  readonly cleanup: Cleanup;
  readonly runs: number;
  readonly progress: (line: string) => void;
}

export async function enginePushPeaks(ctx: EnginePushContext): Promise<EnginePushPeak[]> {
  const dir = join(ctx.workDir, "engine-push-peak");
  ctx.cleanup.add(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const peaks: EnginePushPeak[] = [];
  for (let run = 0; run < ctx.runs; run++) {
    const mark = ctx.cleanup.mark();
    try {
      const registry = await startRegistry(join(dir, `registry-${run}`), ctx.cleanup);
      const cache = join(dir, `blob-info-cache-${run}`);
      prepareBlobInfoCache(cache);
      const args = ["-r", `${registry.host}/${TARGET_PATH}`, "-c", "podman", "-t", "--json"];
      let watch: PeakWatch | undefined;
      const result = await timed("unshare", ownBlobInfoCache(cache, ctx.binary, args), {
        env: ctx.storage.env,
        onSpawn: (pid) => (watch = watchOwnPeak(pid, ctx.binary)),
      });
      const peakKiB = watch?.stop() ?? Number.NaN;
      if (result.code !== 0)
        throw new Error(`push-images -c podman exited ${result.code}:\n${tail(result.stderr || result.stdout)}`);
      const { images } = JSON.parse(result.stdout) as { images: { status: string }[] };
      if (images.length !== ctx.images.length || images.some((image) => image.status !== "pushed"))
        throw new Error(`push-images -c podman: not every image pushed: ${tail(result.stdout)}`);
      for (const image of ctx.images)
        if (!(await registry.tags(`${TARGET_PATH}/${image}`)).includes(SOURCE_TAG))
          throw new Error(`push-images -c podman: the registry lacks ${TARGET_PATH}/${image}:${SOURCE_TAG}`);
      peaks.push({ run, ms: result.ms, peakKiB });
      ctx.progress(
        `E. engine push run ${run + 1}/${ctx.runs}: ${(result.ms / 1000).toFixed(2)} s, own peak ${(peakKiB / 1024).toFixed(1)} MiB`,
      );
    } finally {
      await ctx.cleanup.runSince(mark);
    }
  }
  return peaks;
}
