/**
 * resolveOptions, then the plan as the runner makes it (basePlan, the
 * plugins' `plan` taps, checkTargets): for any command line it accepts,
 * every source and target is a valid reference by the grammar
 * (reference-grammar.ts), the target goes to the -r host with the tag -d
 * (or -s) names, and the source is exactly `<-p>/<image>:<-s>`. What it
 * refuses, it refuses as invalid input (exit 2), before anything runs.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { PushImagesError } from "../../../src/core/errors.ts";
import { basePlan, checkTargets } from "../../../src/core/plan.ts";
import { setUp, type TestRun } from "../harness.ts";
import { rawFlagsInput, registryTypeInput } from "./flags.ts";
import { check } from "./check.ts";
import { parseReference, referenceProblem } from "./reference-grammar.ts";

/** Runs `step`; a refusal must be a coded error with exit code 2, and then yields undefined. */
function unlessRefused<T>(step: () => T): T | undefined {
  try {
    return step();
  } catch (error) {
    if (!(error instanceof PushImagesError)) throw error;
    check(error.exitCode === 2, () => `refused with exit ${error.exitCode}, not 2: ${error.code}: ${error.message}`);
    return undefined;
  }
}

describe("an accepted command line", () => {
  it("plans only valid references: source <-p>/<image>:<-s>, target on the -r host with the tag -d or -s", () => {
    fc.assert(
      fc.property(rawFlagsInput, registryTypeInput, (flags, registryType) => {
        const run: TestRun | undefined = unlessRefused(() => setUp({ flags, registryType }));
        if (!run) return;
        const { runner, options } = run;
        const jobs = unlessRefused(() => {
          const planned = runner.hooks.plan.call(basePlan(options));
          checkTargets(planned);
          return planned;
        });
        if (!jobs) return;
        check(
          jobs.map((job) => job.image).join() === options.images.join(),
          () => `planned ${jobs.map((job) => job.image)}, not ${options.images}`,
        );
        for (const job of jobs) {
          check(referenceProblem(job.source) === undefined, () => `source ${job.source}: ${referenceProblem(job.source)}`);
          check(job.source === `${options.sourcePath}/${job.image}:${options.sourceTag}`, () => `source ${job.source}`);
          check(referenceProblem(job.target) === undefined, () => `target ${job.target}: ${referenceProblem(job.target)}`);
          const target = parseReference(job.target);
          check(
            target?.domain === options.registry.host,
            () => `${job.target} goes to ${target?.domain}, not ${options.registry.host}`,
          );
          check(
            target?.tag === (flags.destTag ?? options.sourceTag),
            () => `${job.target} is not tagged ${flags.destTag ?? options.sourceTag}`,
          );
        }
      }),
      { numRuns: 1500 },
    );
  });
});
