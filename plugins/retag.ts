/**
 * -d: push under another tag than the source's. Reshapes the plan, so the
 * target tag is visible to every later plugin and in the dry-run plan.
 */
import { assertTag } from "../src/options/reference-rules.ts";
import type { Plugin, RunContext } from "../src/core/run-context.ts";

const PLUGIN_NAME = "retag";

export class RetagPlugin implements Plugin {
  readonly name = PLUGIN_NAME;

  constructor(private readonly tag: string) {
    assertTag("-d", tag);
  }

  apply(runner: RunContext): void {
    runner.hooks.plan.tap(PLUGIN_NAME, (jobs) =>
      jobs.map((job) => ({ ...job, target: `${job.target.slice(0, job.target.lastIndexOf(":"))}:${this.tag}` })),
    );
  }
}
