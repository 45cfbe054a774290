/**
 * The plan: one job per image, `<source-path>/<image>:<source-tag>` to
 * `<registry>/<image>:<source-tag>`. Plugins reshape it through the `plan`
 * hook (retag, registry naming); every target is checked afterwards, so no
 * plugin can hand an invalid reference to the container tool.
 */
import { inputError } from "./errors.ts";
import type { Job } from "./hooks.ts";
import type { Options } from "../options/options.ts";
import { MAX_NAME_LENGTH, pathComponentProblem, tagProblem, hostProblem } from "../options/reference-rules.ts";

export function basePlan(options: Options): Job[] {
  return options.images.map((image) => ({
    image,
    source: `${options.sourcePath}/${image}:${options.sourceTag}`,
    target: `${options.registry.prefix}/${image}:${options.sourceTag}`,
  }));
}

/** Throws when a target is not a valid `host[:port]/path:tag` reference. */
export function checkTargets(jobs: readonly Job[]): void {
  for (const job of jobs) {
    const problem = referenceProblem(job.target);
    if (problem) {
      throw inputError(
        "INVALID_REGISTRY",
        `target ${JSON.stringify(job.target)} of ${job.image} is not a valid reference: ${problem}`,
        "check -r and -d, and any plugin that reshapes targets",
      );
    }
  }
}

function referenceProblem(reference: string): string | undefined {
  const colon = reference.lastIndexOf(":");
  const slash = reference.lastIndexOf("/");
  if (colon < slash || slash < 0) return "it needs host/name:tag";
  const name = reference.slice(0, colon);
  const [host = "", ...path] = name.split("/");
  if (name.length > MAX_NAME_LENGTH) return `the name is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`;
  return hostProblem(host) ?? path.map(pathComponentProblem).find(Boolean) ?? tagProblem(reference.slice(colon + 1));
}
