/**
 * Section D (issue 13): pushes from local storage, with podman and with
 * docker, of both image sets (distinct random layers; product-like, on one
 * shared base), on loopback and through the delay proxy: the seed's loop
 * against this tool, fresh into an empty registry and then again (re-run).
 * Every fresh push gets a fresh registry (access log on, to count blob
 * uploads) and, for podman, an empty blob-info cache of its own: the run
 * sees a private /var/lib/containers/cache (a bind mount in its own mount
 * namespace), so the machine's cache is neither used nor cleared.
 */
import { join } from "node:path";
import { ownBlobInfoCache, prepareBlobInfoCache } from "./blob-info-cache.ts";
import { checkToolRun, removeSeedTags } from "./contenders.ts";
import { behindDelayProxy } from "./delay-proxy.ts";
import { loadIntoDocker, unloadFromDocker, type DockerEngine } from "./docker-engine.ts";
import type { PodmanStorage } from "./podman-storage.ts";
import { timed, tail, type Timed } from "./processes.ts";
import { IMAGES, SOURCE_PATH, SOURCE_TAG, TARGET_PATH, sourceRef } from "./product.ts";
import { checkRegistryHolds, type Network, type Phase, type PushSample, type RunsContext } from "./push-bench.ts";
import { startRegistry } from "./registry.ts";
import { rotate } from "./stats.ts";

export type SetId = "distinct" | "product-like";
export type Engine = "podman" | "docker";

export interface ImageSetUnderTest {
  readonly id: SetId;
  /** The podman storage that holds the set (copied into dockerd while the set is measured). */
  readonly storage: PodmanStorage;
  readonly distinctBlobs: number;
}

/** A push sample (section A's shape) of one image set and engine, with the uploads the registry saw. */
export interface LayersSample extends Omit<PushSample, "contender" | "connections"> {
  readonly set: SetId;
  readonly engine: Engine;
  /** `seed`, `tool` (its default -j) or `tool -j N`. */
  readonly contender: string;
  /** Blob uploads the registry completed in this phase. */
  readonly uploads: number;
}

export interface LayersBenchContext extends RunsContext {
  readonly sets: readonly ImageSetUnderTest[];
  readonly docker: DockerEngine;
  /** Extra -j values to measure beside the default. */
  readonly extraJobs: readonly number[];
}

export async function layersBench(ctx: LayersBenchContext): Promise<LayersSample[]> {
  const contenders = ["seed", "tool", ...ctx.extraJobs.map((j) => `tool -j ${j}`)];
  const samples: LayersSample[] = [];
  let serial = 0;
  for (const set of ctx.sets) {
    await loadIntoDocker(ctx.docker, set.storage, IMAGES.map(sourceRef), ctx.workDir);
    try {
      for (let run = 0; run < ctx.runs; run++) {
        const networks: Network[] = run % 2 === 0 ? ["loopback", "proxy"] : ["proxy", "loopback"];
        const engines: Engine[] = run % 2 === 0 ? ["podman", "docker"] : ["docker", "podman"];
        for (const network of networks) {
          for (const engine of engines) {
            for (const contender of rotate(contenders, run)) {
              const pair = await oneRun(ctx, { set, engine, network, contender, run }, serial++);
              samples.push(...pair);
              const [fresh, rerun] = pair;
              ctx.progress(
                `${set.id} run ${run + 1}/${ctx.runs} ${network.padEnd(8)} ${engine.padEnd(6)} ${contender.padEnd(10)} ` +
                  `fresh ${secs(fresh?.ms)} (${fresh?.uploads} uploads)  re-run ${secs(rerun?.ms)}`,
              );
            }
          }
        }
      }
    } finally {
      await unloadFromDocker(ctx.docker, IMAGES.map(sourceRef));
    }
  }
  return samples;
}

interface Case {
  readonly set: ImageSetUnderTest;
  readonly engine: Engine;
  readonly network: Network;
  readonly contender: string;
  readonly run: number;
}

async function oneRun(ctx: LayersBenchContext, c: Case, serial: number): Promise<LayersSample[]> {
  const mark = ctx.cleanup.mark();
  const dir = join(ctx.workDir, `layers-${serial}`);
  let host: string | undefined;
  try {
    const registry = await startRegistry(join(dir, "registry"), ctx.cleanup, { accessLog: true });
    host = c.network === "proxy" ? await behindDelayProxy(registry.host, ctx.oneWayMs, ctx.cleanup) : registry.host;
    // A fresh push on a host whose podman has never pushed these layers anywhere.
    const cache = join(dir, "blob-info-cache");
    prepareBlobInfoCache(cache);
    const fresh = await push(ctx, c, host, cache, "pushed");
    const freshUploads = registry.uploads();
    await checkRegistryHolds(registry.tags, `${c.set.id} ${c.engine} ${c.contender}`);
    const rerun = await push(ctx, c, host, cache, "up-to-date");
    const sample = (phase: Phase, ms: number, uploads: number): LayersSample => ({ ...c, set: c.set.id, phase, ms, uploads });
    return [sample("fresh", fresh.ms, freshUploads), sample("rerun", rerun.ms, registry.uploads() - freshUploads)];
  } finally {
    if (c.contender === "seed" && host) await removeSeedTags(host, c.engine === "podman" ? c.set.storage : ctx.docker, c.engine);
    await ctx.cleanup.runSince(mark);
  }
}

/** One push of the whole set by the case's contender; podman (also under the tool) sees `cache` as its blob-info cache. */
async function push(
  ctx: LayersBenchContext,
  c: Case,
  host: string,
  cache: string,
  expect: "pushed" | "up-to-date",
): Promise<Timed> {
  const env = c.engine === "podman" ? c.set.storage.env : ctx.docker.env;
  const target = `${host}/${TARGET_PATH}`;
  const label = `${c.set.id} ${c.engine} ${c.contender}`;
  const podman = c.engine === "podman";
  const [command = "", ...args] =
    c.contender === "seed"
      ? [
          "bash",
          join(ctx.benchDir, "seed-loop.sh"),
          c.engine,
          target,
          podman ? "--tls-verify=false" : "",
          SOURCE_PATH,
          SOURCE_TAG,
          ...IMAGES,
        ]
      : [ctx.binary, "-r", target, "-c", c.engine, ...(podman ? ["-t"] : []), "--json", ...c.contender.split(" ").slice(1)];
  const run = podman
    ? await timed("unshare", ownBlobInfoCache(cache, command, args), { env })
    : await timed(command, args, { env });
  if (c.contender === "seed" && run.code !== 0)
    throw new Error(`${label}: the seed loop failed (exit ${run.code}):\n${tail(run.stderr)}`);
  if (c.contender !== "seed") checkToolRun(label, run, expect);
  return run;
}

function secs(ms: number | undefined): string {
  return ms === undefined ? "-" : `${(ms / 1000).toFixed(2)} s`;
}
