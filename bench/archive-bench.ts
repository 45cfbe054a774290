/**
 * Section C (issue 11): bundles and engine-less pushes on the product-like
 * set. `push-images save` against skopeo copying the same images into one
 * OCI layout (size and time); `push-images --from-archive` against skopeo
 * copying them from that layout image after image, and against
 * `podman load` (into an emptied site storage) + the seed's loop; fresh
 * into an empty registry on loopback and through the delay proxy, then the
 * tool again with everything there. Order rotates run by run.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { podmanLoadAndPush, skopeoPush, skopeoSave, toolPush, toolSave, type ContenderRun } from "./archive-contenders.ts";
import { prepareBlobInfoCache } from "./blob-info-cache.ts";
import { behindDelayProxy } from "./delay-proxy.ts";
import { emptyStorage, type PodmanStorage } from "./podman-storage.ts";
import { checkRegistryHolds, type Network, type RunsContext } from "./push-bench.ts";
import { startRegistry } from "./registry.ts";
import { rotate } from "./stats.ts";

export type ArchivePhase = "save" | "fresh" | "rerun";
/** `podman` is load + loop; `podman-load` and `seed-loop` are its two parts. */
export type ArchiveContender = "tool" | "skopeo" | "podman" | "podman-load" | "seed-loop";

export interface ArchiveSample {
  readonly run: number;
  readonly phase: ArchivePhase;
  /** Saves run on the host alone. */
  readonly network: Network | "local";
  readonly contender: ArchiveContender;
  readonly ms: number;
  /** Size of what a save wrote. */
  readonly bytes?: number;
  /** Blob uploads that carried data, from the registry's access log. */
  readonly uploads?: number;
}

export interface ArchiveBenchContext extends RunsContext {
  /** Holds the product-like set under the product's names. */
  readonly source: PodmanStorage;
  /** Emptied before every load: the air-gapped host. */
  readonly site: PodmanStorage;
}

type Pusher = "tool" | "skopeo" | "podman";

export async function archiveBench(ctx: ArchiveBenchContext): Promise<ArchiveSample[]> {
  const bundle = join(ctx.workDir, "bundle.tar");
  const layout = join(ctx.workDir, "skopeo-layout");
  ctx.cleanup.add("remove bundle and layout", () => {
    rmSync(bundle, { force: true });
    rmSync(`${bundle}.sha256`, { force: true });
    rmSync(layout, { recursive: true, force: true });
  });
  const samples: ArchiveSample[] = [];
  let serial = 0;
  const at = (): ContenderRun => {
    const cache = join(ctx.workDir, `blob-info-cache-${serial++}`);
    prepareBlobInfoCache(cache);
    ctx.cleanup.add(`remove ${cache}`, () => rmSync(cache, { recursive: true, force: true }));
    return { benchDir: ctx.benchDir, binary: ctx.binary, cache };
  };

  for (let run = 0; run < ctx.runs; run++) {
    const saves = { tool: () => toolSave(at(), ctx.source, bundle), skopeo: () => skopeoSave(at(), ctx.source, layout) };
    for (const [contender, save] of rotate(Object.entries(saves), run)) {
      const { run: timed, bytes } = await save();
      samples.push({ run, phase: "save", network: "local", contender: contender as Pusher, ms: timed.ms, bytes });
    }
    const networks: Network[] = run % 2 === 0 ? ["loopback", "proxy"] : ["proxy", "loopback"];
    for (const network of networks) {
      for (const pusher of rotate<Pusher>(["tool", "skopeo", "podman"], run)) {
        const mark = ctx.cleanup.mark();
        try {
          samples.push(...(await onePush(ctx, at(), { run, network, pusher, bundle, layout }, serial++)));
        } finally {
          await ctx.cleanup.runSince(mark);
        }
      }
    }
    ctx.progress(`run ${run + 1}/${ctx.runs}: ${summary(samples.filter((s) => s.run === run))}`);
  }
  return samples;
}

interface PushCase {
  readonly run: number;
  readonly network: Network;
  readonly pusher: Pusher;
  readonly bundle: string;
  readonly layout: string;
}

/** One fresh push into a new registry (access log on), and for the tool a re-run with everything there. */
async function onePush(ctx: ArchiveBenchContext, at: ContenderRun, c: PushCase, serial: number): Promise<ArchiveSample[]> {
  const registry = await startRegistry(join(ctx.workDir, `archive-registry-${serial}`), ctx.cleanup, { accessLog: true });
  const host = c.network === "proxy" ? await behindDelayProxy(registry.host, ctx.oneWayMs, ctx.cleanup) : registry.host;
  const sample = (phase: ArchivePhase, contender: ArchiveContender, ms: number, uploads?: number): ArchiveSample => ({
    run: c.run,
    phase,
    network: c.network,
    contender,
    ms,
    ...(uploads === undefined ? {} : { uploads }),
  });
  const out: ArchiveSample[] = [];
  if (c.pusher === "podman") {
    await emptyStorage(ctx.site);
    const { load, push } = await podmanLoadAndPush(at, ctx.site, c.bundle, host);
    out.push(sample("fresh", "podman", load.ms + push.ms, registry.dataUploads()));
    out.push(sample("fresh", "podman-load", load.ms), sample("fresh", "seed-loop", push.ms));
  } else {
    const push =
      c.pusher === "tool" ? await toolPush(at, ctx.site, c.bundle, host, "pushed") : await skopeoPush(at, c.layout, host);
    out.push(sample("fresh", c.pusher, push.ms, registry.dataUploads()));
  }
  await checkRegistryHolds(registry.tags, `${c.pusher} ${c.network}`);
  if (c.pusher === "tool") {
    const before = registry.dataUploads();
    const rerun = await toolPush(at, ctx.site, c.bundle, host, "up-to-date");
    out.push(sample("rerun", "tool", rerun.ms, registry.dataUploads() - before));
  }
  return out;
}

function summary(samples: readonly ArchiveSample[]): string {
  return samples
    .filter((s) => s.contender !== "podman-load" && s.contender !== "seed-loop")
    .map((s) => `${s.phase === "save" ? "save" : `${s.network} ${s.phase}`} ${s.contender} ${(s.ms / 1000).toFixed(2)} s`)
    .join(", ");
}
