/**
 * Section A (issue 5): the seed's loop against this tool at -j 1 and at its
 * default, each pushing all images into a fresh registry and then running
 * again with everything already there; once on loopback and once through
 * the delay proxy. Contenders alternate run by run, and the two networks
 * swap order every run, so the machine's noise spreads over all of them.
 */
import { join } from "node:path";
import type { Cleanup } from "./cleanup.ts";
import { contenders, removeSeedTags, type Contender, type ContenderId } from "./contenders.ts";
import { startDelayProxy } from "./delay-proxy.ts";
import type { PodmanStorage } from "./podman-storage.ts";
import { IMAGES, SOURCE_TAG, TARGET_PATH } from "./product.ts";
import { startRegistry } from "./registry.ts";
import { rotate } from "./stats.ts";

export type Network = "loopback" | "proxy";
export type Phase = "fresh" | "rerun";

export interface PushSample {
  /** Which measured run (0-based); samples of one run were taken minutes apart at most. */
  readonly run: number;
  readonly network: Network;
  readonly contender: ContenderId;
  readonly phase: Phase;
  readonly ms: number;
  /** TCP connections the contender opened through the proxy (proxy runs only). */
  readonly connections?: number;
}

/** What every section that measures contenders over several runs needs. */
export interface RunsContext {
  readonly workDir: string;
  readonly benchDir: string;
  readonly binary: string;
  readonly cleanup: Cleanup;
  readonly runs: number;
  readonly oneWayMs: number;
  readonly progress: (line: string) => void;
}

export interface PushBenchContext extends RunsContext {
  readonly storage: PodmanStorage;
}

export async function pushBench(ctx: PushBenchContext): Promise<PushSample[]> {
  const all = contenders(ctx.benchDir, ctx.binary);
  // Untimed warm-up: page cache, podman's blob-info cache and the binary's first start are paid here, not by run 1's first contender.
  ctx.progress("warm-up: one untimed push of each contender on loopback");
  for (const contender of all) await oneRun(ctx, contender, "loopback", 0, -1);

  const samples: PushSample[] = [];
  let serial = 1;
  for (let run = 0; run < ctx.runs; run++) {
    const networks: Network[] = run % 2 === 0 ? ["loopback", "proxy"] : ["proxy", "loopback"];
    for (const network of networks) {
      for (const contender of rotate(all, run)) {
        const result = await oneRun(ctx, contender, network, serial++, run);
        samples.push(...result);
        const [fresh, rerun] = result;
        ctx.progress(
          `run ${run + 1}/${ctx.runs} ${network.padEnd(8)} ${contender.label.padEnd(34)} fresh ${seconds(fresh?.ms)}  re-run ${seconds(rerun?.ms)}`,
        );
      }
    }
  }
  return samples;
}

/** A fresh registry (behind a fresh proxy if asked), a push, a second push, and everything stopped again. */
async function oneRun(
  ctx: PushBenchContext,
  contender: Contender,
  network: Network,
  serial: number,
  run: number,
): Promise<PushSample[]> {
  const mark = ctx.cleanup.mark();
  let host: string | undefined;
  try {
    const registry = await startRegistry(join(ctx.workDir, `registry-${serial}`), ctx.cleanup);
    host = registry.host;
    let connections: (() => number) | undefined;
    if (network === "proxy") {
      const [ip, port] = registry.host.split(":");
      const proxy = await startDelayProxy({
        target: { host: ip ?? "127.0.0.1", port: Number(port) },
        oneWayMs: ctx.oneWayMs,
        lifetimeMs: 15 * 60_000,
      });
      ctx.cleanup.add(`stop delay proxy ${proxy.host}`, () => proxy.stop());
      host = proxy.host;
      connections = proxy.connections;
    }
    const fresh = await contender.push(host, ctx.storage, "pushed");
    const afterFresh = connections?.() ?? 0;
    await checkRegistryHolds(registry.tags, contender.label);
    const rerun = await contender.push(host, ctx.storage, "up-to-date");
    const afterRerun = connections?.() ?? 0;
    const sample = (phase: Phase, ms: number, opened: number): PushSample => ({
      run,
      network,
      contender: contender.id,
      phase,
      ms,
      ...(connections ? { connections: opened } : {}),
    });
    return [sample("fresh", fresh.ms, afterFresh), sample("rerun", rerun.ms, afterRerun - afterFresh)];
  } finally {
    if (contender.id === "seed" && host) await removeSeedTags(host, ctx.storage);
    await ctx.cleanup.runSince(mark);
  }
}

/** Every image's tag is in the registry: a run that lost one does not count. */
export async function checkRegistryHolds(tags: (repository: string) => Promise<string[]>, label: string): Promise<void> {
  for (const image of IMAGES) {
    if (!(await tags(`${TARGET_PATH}/${image}`)).includes(SOURCE_TAG))
      throw new Error(`${label}: the registry does not hold ${TARGET_PATH}/${image}:${SOURCE_TAG} after the push`);
  }
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? "-" : `${(ms / 1000).toFixed(2)} s`;
}
