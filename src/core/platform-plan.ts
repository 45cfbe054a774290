/**
 * Multi-platform images in the plan: once preflight knows which sources
 * are lists (or a bundle said so), each such job carries its platforms,
 * for plugins, the report and `-n`.
 */
import type { Job } from "./hooks.ts";
import type { Logger } from "./logger.ts";
import { platformText, type ImageIndex } from "./platforms.ts";
import type { Transport } from "./transport.ts";
import type { Options } from "../options/options.ts";

/** Where a source's index is known: the transport (a bundle's), or preflight's podman lists. */
export interface IndexSources {
  readonly transport: Transport;
  readonly localLists?: ReadonlyMap<string, ImageIndex>;
}

/** The source's multi-platform image, if it is one. */
export function imageIndexOf(run: IndexSources, source: string): ImageIndex | undefined {
  return run.transport.imageIndex?.(source) ?? run.localLists?.get(source);
}

/** The jobs, each multi-platform one with the platforms it pushes; with -n, a line naming them. */
export function withPlatforms(run: IndexSources & { options: Options; log: Logger }, jobs: readonly Job[]): Job[] {
  const shaped = jobs.map((job) => {
    const index = imageIndexOf(run, job.source);
    return index ? { ...job, platforms: index.chosen.map((entry) => platformText(entry.platform)) } : job;
  });
  if (run.options.dryRun) for (const line of platformLines(shaped)) run.log.always(line);
  return shaped;
}

/** `-n`: one line for each multi-platform image, naming the platforms that go. */
function platformLines(jobs: readonly Job[]): string[] {
  return jobs.flatMap(({ image, platforms }) => {
    if (!platforms) return [];
    const how = platforms.length === 1 ? "as that platform's image" : "each platform's image, then the index";
    return [`  ${image}: multi-platform image: pushes ${platforms.join(", ")} (${how})`];
  });
}
