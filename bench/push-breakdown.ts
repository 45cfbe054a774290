/**
 * Evidence for where the time goes (not part of the medians): single runs
 * of the seed loop and of the tool at -j 1 with every podman call logged,
 * fresh and re-run, on loopback and through the proxy. What the tool does
 * outside podman (start-up, registry API requests, bookkeeping) shows as
 * the time no podman call was running.
 */
import { join } from "node:path";
import type { Cleanup } from "./cleanup.ts";
import { contenders, removeSeedTags } from "./contenders.ts";
import { startDelayProxy } from "./delay-proxy.ts";
import type { Network, Phase } from "./push-bench.ts";
import { breakdown, podmanTracer, removeTracer, type Breakdown } from "./podman-trace.ts";
import type { PodmanStorage } from "./podman-storage.ts";
import { startRegistry } from "./registry.ts";

export interface TracedRun {
  readonly network: Network;
  readonly contender: string;
  readonly phase: Phase;
  readonly breakdown: Breakdown;
}

export interface BreakdownContext {
  readonly storage: PodmanStorage;
  readonly workDir: string;
  readonly benchDir: string;
  readonly binary: string;
  readonly cleanup: Cleanup;
  readonly oneWayMs: number;
  readonly realPodman: string;
}

export async function pushBreakdown(ctx: BreakdownContext): Promise<TracedRun[]> {
  const traceDir = join(ctx.workDir, "trace");
  const tracer = podmanTracer(traceDir, ctx.storage.env, ctx.realPodman);
  const traced: PodmanStorage = { ...ctx.storage, env: tracer.env };
  const runs: TracedRun[] = [];
  try {
    const chosen = contenders(ctx.benchDir, ctx.binary).filter((c) => c.id === "seed" || c.id === "tool-j1");
    for (const network of ["loopback", "proxy"] as const) {
      for (const contender of chosen) {
        const mark = ctx.cleanup.mark();
        let host: string | undefined;
        try {
          const registry = await startRegistry(join(ctx.workDir, `trace-registry-${network}-${contender.id}`), ctx.cleanup);
          host = registry.host;
          if (network === "proxy") {
            const [ip, port] = registry.host.split(":");
            const proxy = await startDelayProxy({
              target: { host: ip ?? "127.0.0.1", port: Number(port) },
              oneWayMs: ctx.oneWayMs,
              lifetimeMs: 15 * 60_000,
            });
            ctx.cleanup.add(`stop delay proxy ${proxy.host}`, () => proxy.stop());
            host = proxy.host;
          }
          for (const phase of ["fresh", "rerun"] as const) {
            tracer.take();
            const startedAt = Date.now();
            await contender.push(host, traced, phase === "fresh" ? "pushed" : "up-to-date");
            runs.push({ network, contender: contender.id, phase, breakdown: breakdown(tracer.take(), startedAt, Date.now()) });
          }
        } finally {
          if (contender.id === "seed" && host) await removeSeedTags(host, ctx.storage);
          await ctx.cleanup.runSince(mark);
        }
      }
    }
  } finally {
    removeTracer(traceDir);
  }
  return runs;
}
