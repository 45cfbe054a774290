/**
 * The dry-run plan: each job's source and target in push order (by layers,
 * src/core/layer-plan.ts), and the exact commands a real run would hand to the
 * container tool, after every plugin has had its say through the tagArgs
 * and pushArgs hooks.
 */
import { join } from "node:path";
import { tmpdir } from "node:os";
import { makesTag } from "../engine/engine-push.ts";
import type { Job } from "./hooks.ts";
import { layerSchedule, lookUpLayersForPlan, orderLines, waitNote } from "./layer-plan.ts";
import type { Runner } from "./runner.ts";
import { showCommand } from "../engine/shell.ts";

/** Stands in for the per-push temporary file podman writes the digest to. */
const DIGEST_FILE_PLACEHOLDER = join(tmpdir(), "push-images-XXXXXX", "digest");

const UNTAG_HEADING = "  then, removing the temporary tags (those that were not there before):";

/** The lines `-n` prints before preflight. */
export async function planLines(runner: Runner, jobs: readonly Job[]): Promise<string[]> {
  const { tool, hooks } = runner;
  if (runner.engineless) {
    return [
      `Plan: ${jobs.length} image${jobs.length === 1 ? "" : "s"} from the bundle, through the registry API (no podman or docker)`,
      ...jobs.map((job) => `  ${job.source} -> ${job.target}`),
    ];
  }
  await lookUpLayersForPlan(runner, jobs);
  const schedule = layerSchedule(runner, jobs);
  const tagging = makesTag(runner);
  const show = (args: string[]) => `    $ ${showCommand(tool.name, args)}`;
  return [
    `Plan: ${jobs.length} image${jobs.length === 1 ? "" : "s"} with ${tool.name}`,
    ...orderLines(schedule),
    ...schedule.order.flatMap((job) => [
      `  ${job.source} -> ${job.target}${waitNote(schedule, job)}`,
      ...(tagging ? [show(hooks.tagArgs.call(tool.tagArgs(job), job))] : []),
      show(hooks.pushArgs.call(tool.pushArgs(job, DIGEST_FILE_PLACEHOLDER), job)),
    ]),
    ...(tagging ? [UNTAG_HEADING, show(tool.untagArgs(jobs.map((job) => job.target)))] : []),
  ];
}
