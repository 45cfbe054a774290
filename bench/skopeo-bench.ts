/**
 * Section E (issue 23): push-images beside skopeo, each run measuring wall
 * time and peak RSS (GNU time's %M, the largest process's ru_maxrss) of the
 * same process: `push-images save` against `skopeo copy --dest-compress
 * containers-storage:... oci:DIR` (skopeo-loop.sh save), then
 * `push-images --from-archive` into a fresh, empty registry against
 * `skopeo copy oci:DIR docker://...` (skopeo-loop.sh push), on loopback.
 * Every contender runs under `unshare` with an empty blob-info cache of
 * its own (as in section C). Order rotates run by run.
 */
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { ownBlobInfoCache, prepareBlobInfoCache } from "./blob-info-cache.ts";
import type { Cleanup } from "./cleanup.ts";
import type { PodmanStorage } from "./podman-storage.ts";
import { tail, timed } from "./processes.ts";
import { SOURCE_PATH, SOURCE_TAG, TARGET_PATH } from "./product.ts";
import { startRegistry } from "./registry.ts";
import { rotate } from "./stats.ts";
import { treeBytes } from "./archive-contenders.ts";

export const GNU_TIME = "/usr/bin/time";

export type SkopeoStep = "save" | "push";
export type SkopeoContender = "tool" | "skopeo";

export interface SkopeoSample {
  readonly set: string;
  readonly run: number;
  readonly step: SkopeoStep;
  readonly contender: SkopeoContender;
  readonly ms: number;
  readonly peakKiB: number;
  /** What a save wrote: the bundle file, or the sum of the layout's files. */
  readonly bytes?: number;
}

export interface SkopeoBenchContext {
  /** Names the image set in the samples. */
  readonly set: string;
  readonly storage: PodmanStorage;
  readonly images: readonly string[];
  readonly workDir: string;
  readonly benchDir: string;
  readonly binary: string;
  readonly cleanup: Cleanup;
  readonly runs: number;
  readonly progress: (line: string) => void;
}

export async function skopeoBench(ctx: SkopeoBenchContext): Promise<SkopeoSample[]> {
  const dir = join(ctx.workDir, `skopeo-${ctx.set}`);
  const bundle = join(dir, "bundle.tar");
  const layout = join(dir, "layout");
  ctx.cleanup.add(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  let serial = 0;
  const measure = async (label: string, command: readonly string[], env?: NodeJS.ProcessEnv) => {
    const cache = join(dir, `blob-info-cache-${serial}`);
    const rss = join(dir, `peak-${serial++}.kib`);
    prepareBlobInfoCache(cache);
    const [binary = "", ...args] = command;
    const run = await timed("unshare", ownBlobInfoCache(cache, GNU_TIME, ["-f", "%M", "-o", rss, binary, ...args]), {
      env: env ?? process.env,
    });
    if (run.code !== 0) throw new Error(`${label} exited ${run.code}:\n${tail(run.stderr || run.stdout)}`);
    const peakKiB = Number(readFileSync(rss, "utf8").trim().split("\n").at(-1));
    rmSync(cache, { recursive: true, force: true });
    return { ms: run.ms, peakKiB, stdout: run.stdout };
  };
  const loop = (mode: SkopeoStep, where: string) => [
    "bash",
    join(ctx.benchDir, "skopeo-loop.sh"),
    mode,
    layout,
    where,
    SOURCE_TAG,
    ...ctx.images,
  ];
  const saves: Record<SkopeoContender, () => Promise<Omit<SkopeoSample, "set" | "run" | "step" | "contender">>> = {
    tool: async () => {
      rmSync(bundle, { force: true });
      rmSync(`${bundle}.sha256`, { force: true });
      const chosen = ctx.images.flatMap((image) => ["-i", image]);
      const run = await measure(
        "push-images save",
        [ctx.binary, "save", "-o", bundle, "-c", "podman", ...chosen],
        ctx.storage.env,
      );
      return { ms: run.ms, peakKiB: run.peakKiB, bytes: statSync(bundle).size };
    },
    skopeo: async () => {
      rmSync(layout, { recursive: true, force: true });
      const run = await measure("skopeo save loop", loop("save", SOURCE_PATH), ctx.storage.env);
      return { ms: run.ms, peakKiB: run.peakKiB, bytes: treeBytes(layout) };
    },
  };
  const pushes: Record<SkopeoContender, (host: string) => Promise<{ ms: number; peakKiB: number }>> = {
    tool: async (host) => {
      const args = ["--from-archive", bundle, "-r", `${host}/${TARGET_PATH}`, "-t", "--json"];
      const run = await measure("push-images --from-archive", [ctx.binary, ...args]);
      const { images } = JSON.parse(run.stdout) as { images: { status: string }[] };
      if (images.length !== ctx.images.length || images.some((image) => image.status !== "pushed"))
        throw new Error(`push-images --from-archive: not every image pushed: ${tail(run.stdout)}`);
      return run;
    },
    skopeo: (host) => measure("skopeo push loop", loop("push", `${host}/${TARGET_PATH}`)),
  };

  const samples: SkopeoSample[] = [];
  for (let run = 0; run < ctx.runs; run++) {
    for (const contender of rotate<SkopeoContender>(["tool", "skopeo"], run))
      samples.push({ set: ctx.set, run, step: "save", contender, ...(await saves[contender]()) });
    for (const contender of rotate<SkopeoContender>(["tool", "skopeo"], run)) {
      const mark = ctx.cleanup.mark();
      try {
        const registry = await startRegistry(join(dir, `registry-${serial++}`), ctx.cleanup);
        samples.push({ set: ctx.set, run, step: "push", contender, ...(await pushes[contender](registry.host)) });
        for (const image of ctx.images)
          if (!(await registry.tags(`${TARGET_PATH}/${image}`)).includes(SOURCE_TAG))
            throw new Error(`${contender} push: the registry lacks ${TARGET_PATH}/${image}:${SOURCE_TAG}`);
      } finally {
        await ctx.cleanup.runSince(mark);
      }
    }
    const mine = samples.filter((s) => s.run === run);
    ctx.progress(
      `E. ${ctx.set} run ${run + 1}/${ctx.runs}: ` +
        mine.map((s) => `${s.step} ${s.contender} ${(s.ms / 1000).toFixed(2)} s ${(s.peakKiB / 1024).toFixed(0)} MiB`).join(", "),
    );
  }
  return samples;
}
