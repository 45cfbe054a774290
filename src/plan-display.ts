/**
 * The dry-run plan: each job's source and target, and the exact commands a
 * real run would hand to the container tool, after every plugin has had its
 * say through the tagArgs and pushArgs hooks.
 */
import { join } from "node:path";
import { tmpdir } from "node:os";
import type { Job } from "./hooks.ts";
import type { Runner } from "./runner.ts";
import { formatCommand, maskSecrets } from "./shell.ts";

/** Stands in for the per-push temporary file podman writes the digest to. */
const DIGEST_FILE_PLACEHOLDER = join(tmpdir(), "push-images-XXXXXX", "digest");

export function planLines(runner: Runner, jobs: readonly Job[]): string[] {
  const { tool, hooks } = runner;
  if (runner.engineless) {
    return [
      `Plan: ${jobs.length} image${jobs.length === 1 ? "" : "s"} from the bundle, through the registry API (no podman or docker)`,
      ...jobs.map((job) => `  ${job.source} -> ${job.target}`),
    ];
  }
  const show = (args: string[]) => `    $ ${maskSecrets(formatCommand(tool.name, args))}`;
  return [
    `Plan: ${jobs.length} image${jobs.length === 1 ? "" : "s"} with ${tool.name}`,
    ...jobs.flatMap((job) => [
      `  ${job.source} -> ${job.target}`,
      show(hooks.tagArgs.call(tool.tagArgs(job), job)),
      show(hooks.pushArgs.call(tool.pushArgs(job, DIGEST_FILE_PLACEHOLDER), job)),
    ]),
    "  then, removing the temporary tags (those that were not there before):",
    show(tool.untagArgs(jobs.map((job) => job.target))),
  ];
}
