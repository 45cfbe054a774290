/**
 * Progress for logs and pipes (CI, `| tee`): one timestamped line when an
 * image starts, when a push is retried, and when it ends, and for a long
 * push at most one line per image every 10 s of how much has gone: bytes
 * sent through the registry API, layers at the registry through podman or
 * docker. No cursor tricks.
 */
import { REPORTING_STAGE, type Job, type JobProgress } from "../src/core/hooks.ts";
import { resultLine } from "../src/core/report.ts";
import type { Plugin, RunContext } from "../src/core/run-context.ts";

const PLUGIN_NAME = "progress-plain";
/** A log gets how far a long upload is, not a line per chunk. */
const BYTES_EVERY_MS = 10_000;

export class PlainProgressPlugin implements Plugin {
  readonly name = PLUGIN_NAME;

  constructor(
    private readonly write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
    private readonly now: () => Date = () => new Date(),
  ) {}

  apply(runner: RunContext): void {
    const { hooks } = runner;
    const line = (text: string) => this.write(`${this.now().toISOString().slice(0, 19)}Z ${text}`);
    let total = 0;
    let finished = 0;
    // What each job last said it waits for: a line when that changes, not every progress report.
    const waits = new Map<string, string>();
    // Last in the waterfall: counts the plan every other plugin has shaped.
    hooks.plan.tap({ name: PLUGIN_NAME, stage: REPORTING_STAGE }, (jobs) => {
      total = jobs.length;
      return jobs;
    });
    // Per image: the state last said, and when bytes were last said.
    const said = new Map<Job, { state: string; bytesAt: number }>();
    hooks.progress.tap(PLUGIN_NAME, (job, progress) => {
      const waiting = progress.waiting ?? "";
      if (progress.stage === "pushing" && waiting !== (waits.get(job.target) ?? "")) {
        waits.set(job.target, waiting);
        if (waiting) line(`waiting    ${job.image}: for ${waiting}`);
      }
      const state = `${progress.stage} ${progress.attempt ?? ""}`;
      const last = said.get(job);
      if (last?.state === state) {
        const now = this.now().getTime();
        const amount = amountSent(progress);
        if (amount === undefined || now - last.bytesAt < BYTES_EVERY_MS) return;
        last.bytesAt = now;
        return line(`pushing    ${job.image}: ${amount}`);
      }
      said.set(job, { state, bytesAt: this.now().getTime() });
      if (progress.stage === "pushing" && progress.attempt === 1) line(`pushing    ${job.source} -> ${job.target}`);
      if (progress.stage === "retrying") {
        line(
          `retrying   ${job.image} in ${((progress.delayMs ?? 0) / 1000).toFixed(1)}s ` +
            `(attempt ${progress.attempt} of ${runner.options.retries + 1}): ${progress.reason}`,
        );
      }
    });
    hooks.afterPush.tapPromise({ name: PLUGIN_NAME, stage: REPORTING_STAGE }, async (_job, result) =>
      line(resultLine(result, ++finished, total)),
    );
    hooks.failed.tapPromise({ name: PLUGIN_NAME, stage: REPORTING_STAGE }, async (job, error) =>
      line(resultLine({ job, status: "failed", error, attempts: 0, seconds: 0 }, ++finished, total)),
    );
  }
}

/** How much of an image has gone, as far as it is known. */
function amountSent({ bytesSent, bytesTotal, layersDone, layersTotal }: JobProgress): string | undefined {
  if (bytesSent !== undefined) return `${mib(bytesSent)} of ${mib(bytesTotal ?? 0)} MiB sent`;
  if (layersDone !== undefined) return `${layersDone} of ${layersTotal ?? 0} layers at the registry`;
  return undefined;
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
