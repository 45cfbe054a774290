/**
 * Progress on a terminal: a live line per image (state, elapsed time,
 * retries), redrawn in place with log-update; finished images keep their
 * final line. Colours follow NO_COLOR / FORCE_COLOR through ansis.
 */
import ansis from "ansis";
import { REPORTING_STAGE, type Job, type JobProgress } from "../src/core/hooks.ts";
import { resultLine } from "../src/core/report.ts";
import type { Plugin, RunContext } from "../src/core/run-context.ts";
import { withoutZeroSize } from "../src/cli/terminal-size.ts";

const PLUGIN_NAME = "progress-live";

type LogUpdate = ReturnType<typeof import("log-update").createLogUpdate>;
const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

interface Row {
  progress?: JobProgress;
  started?: number;
  retries: number;
  final?: string;
}

export class LiveProgressPlugin implements Plugin {
  readonly name = PLUGIN_NAME;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  apply(runner: RunContext): void {
    const { hooks } = runner;
    const rows = new Map<Job, Row>();
    let update: LogUpdate | undefined;
    // Loaded only when this display is used: log-update's dependencies build
    // Unicode width tables as they load (~50 ms), which piped runs need not pay.
    hooks.prepare.tapPromise(PLUGIN_NAME, async () => {
      const { createLogUpdate } = await import("log-update");
      // A terminal reporting 0 columns would have every line wrapped away: 80 then.
      update = createLogUpdate(withoutZeroSize(this.stream), { defaultWidth: 80 });
    });
    let frame = 0;
    let timer: NodeJS.Timeout | undefined;
    const render = () =>
      update?.(
        [...rows].map(([job, row]) => row.final ?? liveLine(job, row, SPINNER[frame++ % SPINNER.length] ?? "*")).join("\n"),
      );

    hooks.plan.tap({ name: PLUGIN_NAME, stage: REPORTING_STAGE }, (jobs) => {
      for (const job of jobs) rows.set(job, { retries: 0 });
      return jobs;
    });
    hooks.beforePush.tapPromise(PLUGIN_NAME, async (job) => {
      const row = rows.get(job);
      if (row) row.started = Date.now();
      timer ??= setInterval(render, 120).unref();
    });
    hooks.progress.tap(PLUGIN_NAME, (job, progress) => {
      const row = rows.get(job);
      if (!row) return;
      row.progress = progress;
      if (progress.stage === "retrying") row.retries += 1;
      render();
    });
    const finish = (job: Job, text: string) => {
      const row = rows.get(job);
      if (row) row.final = text;
      render();
    };
    // Rows stay in plan order, so each is numbered by its place in the plan.
    const place = (job: Job) => [...rows.keys()].indexOf(job) + 1;
    hooks.afterPush.tapPromise({ name: PLUGIN_NAME, stage: REPORTING_STAGE }, async (job, result) =>
      finish(job, colour(resultLine(result, place(job), rows.size), result.status)),
    );
    hooks.failed.tapPromise({ name: PLUGIN_NAME, stage: REPORTING_STAGE }, async (job, error) =>
      finish(job, colour(resultLine({ job, status: "failed", error, attempts: 0, seconds: 0 }, place(job), rows.size), "failed")),
    );
    hooks.done.tapPromise(PLUGIN_NAME, async (report) => {
      if (timer) clearInterval(timer);
      if (report.dryRun || !timer) return;
      // Images never started (interrupt) leave no half-drawn line behind.
      for (const [job, row] of rows)
        if (!row.final) rows.set(job, { ...row, final: ansis.dim(`      not started  ${job.source}`) });
      render();
      update?.done();
    });
  }
}

function liveLine(job: Job, row: Row, spinner: string): string {
  if (row.started === undefined) return ansis.dim(`      waiting      ${job.source} -> ${job.target}`);
  const elapsed = `${((Date.now() - row.started) / 1000).toFixed(1)}s`;
  const stage = row.progress?.stage ?? "starting";
  const retries = row.retries > 0 ? ansis.yellow(` retry ${row.retries}`) : "";
  const waiting = row.progress?.waiting ? ansis.yellow(` waiting for ${row.progress.waiting}`) : "";
  const timing = ansis.dim(`${elapsed}${bytes(row)}`);
  return `${ansis.cyan(spinner)}     ${stage.padEnd(12)} ${job.source} -> ${job.target}  ${timing}${retries}${waiting}`;
}

/** `, 12.0/60.0 MiB at 25.1 MiB/s` while the registry API sends an image's blobs. */
function bytes(row: Row): string {
  const { bytesSent, bytesTotal } = row.progress ?? {};
  if (bytesSent === undefined || bytesTotal === undefined || row.started === undefined) return "";
  const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
  const seconds = Math.max(0.1, (Date.now() - row.started) / 1000);
  return `, ${mib(bytesSent)}/${mib(bytesTotal)} MiB at ${mib(bytesSent / seconds)} MiB/s`;
}

function colour(line: string, status: string): string {
  if (status === "failed") return ansis.red(line);
  if (status === "up-to-date") return ansis.dim(line);
  return ansis.green(line);
}
