/**
 * Section C (issue 6): `push-images save` against plain `podman save -m`,
 * and `push-images --from-archive` against plain `podman load` followed by
 * the seed's tag + push loop. The loads go into a second, emptied podman
 * storage, as on an air-gapped host that has never seen the images; each
 * push goes into a fresh registry on loopback. Order alternates run by run.
 */
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Cleanup } from "./cleanup.ts";
import { contenders } from "./contenders.ts";
import { emptyStorage, type PodmanStorage } from "./podman-storage.ts";
import { mustRun, tail, timed } from "./processes.ts";
import { IMAGES, sourceRef, TARGET_PATH } from "./product.ts";
import { startRegistry } from "./registry.ts";
import { rotate } from "./stats.ts";

export type ArchiveStep = "tool-save" | "podman-save" | "tool-from-archive" | "podman-load" | "seed-push-after-load" | "podman-load+seed-push";

export interface ArchiveSample {
  readonly step: ArchiveStep;
  readonly ms: number;
  readonly bytes?: number;
}

export interface ArchiveBenchContext {
  readonly source: PodmanStorage;
  /** Emptied before every load: the air-gapped host. */
  readonly site: PodmanStorage;
  readonly workDir: string;
  readonly benchDir: string;
  readonly binary: string;
  readonly cleanup: Cleanup;
  readonly runs: number;
  readonly progress: (line: string) => void;
}

export async function archiveBench(ctx: ArchiveBenchContext): Promise<ArchiveSample[]> {
  const samples: ArchiveSample[] = [];
  const seed = contenders(ctx.benchDir, ctx.binary).find((c) => c.id === "seed");
  if (!seed) throw new Error("no seed contender");
  const toolArchive = join(ctx.workDir, "tool.tar");
  const podmanArchive = join(ctx.workDir, "podman.tar");
  ctx.cleanup.add("remove archives", () => {
    rmSync(toolArchive, { force: true });
    rmSync(podmanArchive, { force: true });
  });

  const saves = {
    "tool-save": async () => {
      rmSync(toolArchive, { force: true });
      const run = await mustRun(ctx.binary, ["save", "-o", toolArchive, "-c", "podman"], { env: ctx.source.env });
      return [{ step: "tool-save", ms: run.ms, bytes: statSync(toolArchive).size }] as ArchiveSample[];
    },
    "podman-save": async () => {
      rmSync(podmanArchive, { force: true });
      const run = await mustRun("podman", ["save", "-m", "-o", podmanArchive, ...IMAGES.map(sourceRef)], { env: ctx.source.env });
      return [{ step: "podman-save", ms: run.ms, bytes: statSync(podmanArchive).size }] as ArchiveSample[];
    },
  };
  const pushes = {
    "tool-from-archive": (host: string) => fromArchiveWithTool(ctx, host, toolArchive),
    "podman-load+seed-push": async (host: string) => {
      const load = await mustRun("podman", ["load", "-i", podmanArchive], { env: ctx.site.env });
      const push = await seed.push(host, ctx.site, "pushed");
      return [
        { step: "podman-load", ms: load.ms },
        { step: "seed-push-after-load", ms: push.ms },
        { step: "podman-load+seed-push", ms: load.ms + push.ms },
      ] as ArchiveSample[];
    },
  };

  for (let run = 0; run < ctx.runs; run++) {
    for (const save of rotate(Object.values(saves), run)) samples.push(...(await save()));
    for (const push of rotate(Object.values(pushes), run)) {
      const mark = ctx.cleanup.mark();
      try {
        await emptyStorage(ctx.site);
        const registry = await startRegistry(join(ctx.workDir, `archive-registry-${run}-${samples.length}`), ctx.cleanup);
        samples.push(...(await push(registry.host)));
      } finally {
        await ctx.cleanup.runSince(mark);
      }
    }
    const last = (step: ArchiveStep) => samples.filter((s) => s.step === step).at(-1)?.ms ?? Number.NaN;
    ctx.progress(
      `run ${run + 1}/${ctx.runs} save: tool ${s(last("tool-save"))}, podman ${s(last("podman-save"))}; ` +
        `push from archive: tool ${s(last("tool-from-archive"))}, podman load + seed loop ${s(last("podman-load+seed-push"))}`,
    );
  }
  return samples;
}

async function fromArchiveWithTool(ctx: ArchiveBenchContext, host: string, archive: string): Promise<ArchiveSample[]> {
  const run = await timed(ctx.binary, ["--from-archive", archive, "-r", `${host}/${TARGET_PATH}`, "-c", "podman", "-t", "--json"], { env: ctx.site.env });
  if (run.code !== 0) throw new Error(`push-images --from-archive exited ${run.code}:\n${tail(run.stderr)}`);
  const { images } = JSON.parse(run.stdout) as { images: { status: string }[] };
  if (images.length !== IMAGES.length || images.some((image) => image.status !== "pushed")) throw new Error(`push-images --from-archive did not push all images:\n${run.stdout}`);
  return [{ step: "tool-from-archive", ms: run.ms }];
}

function s(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
