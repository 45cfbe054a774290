/**
 * What every image of a run shares in its names (source path and tag, the
 * registry path, the target tag), said once above the image lines on a
 * terminal, so each line names just its image and fits the width:
 * `apim/*:v6.0.0 -> 127.0.0.1:15331/tb/*:v6.0.0`.
 */
import type { Job } from "./hooks.ts";

/** How a run's lines name its images. */
export interface SharedNames {
  /** Said once above the lines; undefined when the names share no such pattern (a plugin renamed some). */
  readonly header?: { readonly source: string; readonly target: string };
  /** What one image's line calls it: its name, or `source -> target` without a header. */
  name(job: Job): string;
}

export function sharedNames(jobs: readonly Job[]): SharedNames {
  const source = sharedPattern(jobs, (job) => job.source);
  const target = sharedPattern(jobs, (job) => job.target);
  if (jobs.length === 0 || source === undefined || target === undefined)
    return { name: (job) => `${job.source} -> ${job.target}` };
  return { header: { source, target }, name: (job) => job.image };
}

/** `<before>*<after>` when every job's reference is its image name between the same two strings. */
function sharedPattern(jobs: readonly Job[], reference: (job: Job) => string): string | undefined {
  const patterns = new Set(
    jobs.map((job) => {
      const ref = reference(job);
      const at = ref.lastIndexOf(`/${job.image}`) + 1;
      const after = ref.slice(at + job.image.length);
      // The image must be a whole path component: `.../<image>:<tag>` or `.../<image>@<digest>`.
      return at > 0 && /^([:@]|$)/.test(after) ? `${ref.slice(0, at)}*${after}` : undefined;
    }),
  );
  const [only] = patterns;
  return patterns.size === 1 ? only : undefined;
}
