/**
 * The dry-run plan: each job's source and target in push order (by layers,
 * src/core/layer-plan.ts), and the exact commands a real run would hand to the
 * container tool, after every plugin has had its say through the tagArgs
 * and pushArgs hooks.
 */
import { join } from "node:path";
import { tmpdir } from "node:os";
import { makesTag } from "../engine/engine-push.ts";
import type { ContainerTool } from "../engine/container-tool.ts";
import type { Job, RunnerHooks } from "./hooks.ts";
import { layerSchedule, lookUpLayersForPlan, orderLines, waitNote } from "./layer-plan.ts";
import { showCommand } from "../engine/shell.ts";

/** Stands in for the per-push temporary file podman writes the digest to. */
const DIGEST_FILE_PLACEHOLDER = join(tmpdir(), "push-images-XXXXXX", "digest");

const UNTAG_HEADING = "  then, removing the temporary tags (those that were not there before):";

/** What the plan is shown from. */
export interface PlanParts {
  readonly tool: ContainerTool;
  readonly hooks: RunnerHooks;
  readonly engineless: boolean;
  /** Layers of the local images already known, by reference. */
  readonly localLayers: ReadonlyMap<string, readonly string[]>;
}

/** The lines `-n` prints before preflight. */
export async function planLines({ tool, hooks, engineless, localLayers }: PlanParts, jobs: readonly Job[]): Promise<string[]> {
  if (engineless) {
    return [
      `Plan: ${jobs.length} image${jobs.length === 1 ? "" : "s"} from the bundle, through the registry API (no podman or docker)`,
      ...jobs.map((job) => `  ${job.source} -> ${job.target}`),
    ];
  }
  const schedule = layerSchedule(await lookUpLayersForPlan(tool, localLayers, jobs), jobs);
  const tagging = makesTag(tool, hooks);
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
