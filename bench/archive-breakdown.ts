/**
 * Evidence for the archive figures (not part of the medians): one run each
 * of `push-images save` and `push-images --from-archive` with every podman
 * call logged. Time with no podman call running is the tool's own: reading
 * and hashing the archive, appending its index, registry requests.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { ArchiveBenchContext } from "./archive-bench.ts";
import { breakdown, podmanTracer, removeTracer, type Breakdown } from "./podman-trace.ts";
import { emptyStorage } from "./podman-storage.ts";
import { mustRun } from "./processes.ts";
import { TARGET_PATH } from "./product.ts";
import { startRegistry } from "./registry.ts";

export interface TracedArchiveRun {
  readonly step: "tool-save" | "tool-from-archive";
  readonly breakdown: Breakdown;
}

export async function archiveBreakdown(ctx: ArchiveBenchContext, realPodman: string): Promise<TracedArchiveRun[]> {
  const traceDir = join(ctx.workDir, "archive-trace");
  const archive = join(ctx.workDir, "traced.tar");
  const source = podmanTracer(traceDir, ctx.source.env, realPodman);
  // One shim and log for both storages: the site's variables over the traced PATH.
  const siteEnv = { ...source.env, ...pick(ctx.site.env) };
  const mark = ctx.cleanup.mark();
  try {
    source.take();
    let startedAt = Date.now();
    await mustRun(ctx.binary, ["save", "-o", archive, "-c", "podman"], { env: source.env });
    const save = breakdown(source.take(), startedAt, Date.now());

    await emptyStorage(ctx.site);
    const registry = await startRegistry(join(ctx.workDir, "archive-trace-registry"), ctx.cleanup);
    startedAt = Date.now();
    await mustRun(ctx.binary, ["--from-archive", archive, "-r", `${registry.host}/${TARGET_PATH}`, "-c", "podman", "-t"], { env: siteEnv });
    const fromArchive = breakdown(source.take(), startedAt, Date.now());
    return [
      { step: "tool-save", breakdown: save },
      { step: "tool-from-archive", breakdown: fromArchive },
    ];
  } finally {
    await ctx.cleanup.runSince(mark);
    removeTracer(traceDir);
    rmSync(archive, { force: true });
  }
}

/** The variables that point podman at the site storage (the tracer's PATH stays). */
function pick(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { HOME, XDG_CONFIG_HOME, CONTAINERS_STORAGE_CONF, CONTAINERS_CONF, REGISTRY_AUTH_FILE } = env;
  return { HOME, XDG_CONFIG_HOME, CONTAINERS_STORAGE_CONF, CONTAINERS_CONF, REGISTRY_AUTH_FILE };
}
