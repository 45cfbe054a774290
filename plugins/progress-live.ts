/**
 * Progress on a terminal: what all images share said once above, then a
 * live line per image (state, how much has gone, elapsed time, retries),
 * redrawn in place with log-update; finished images keep their final line.
 * Every line fits the terminal's width, read again at each redraw so a
 * resize is followed (terminal-lines.ts says what gives way). Colours
 * follow NO_COLOR / FORCE_COLOR through ansis.
 */
import ansis from "ansis";
import { fitFields, type Field } from "../src/core/fit-line.ts";
import { REPORTING_STAGE, type Job, type JobProgress, type JobResult } from "../src/core/hooks.ts";
import type { Plugin, RunContext } from "../src/core/run-context.ts";
import { sharedNames, type SharedNames } from "../src/core/shared-names.ts";
import { finalFields, headerFields, liveFields, notStartedFields, waitingFields } from "../src/core/terminal-lines.ts";
import { DEFAULT_COLUMNS, reportedColumns, withoutZeroSize } from "../src/cli/terminal-size.ts";

const PLUGIN_NAME = "progress-live";

type LogUpdate = ReturnType<typeof import("log-update").createLogUpdate>;
const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

interface Row {
  progress?: JobProgress;
  started?: number;
  retries: number;
  final?: Field[];
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
      update = createLogUpdate(withoutZeroSize(this.stream), { defaultWidth: DEFAULT_COLUMNS });
    });
    let frame = 0;
    let timer: NodeJS.Timeout | undefined;
    let names: SharedNames = sharedNames([]);
    const render = () => {
      const width = reportedColumns(this.stream) ?? DEFAULT_COLUMNS;
      const lines = [...rows].map(([job, row]) => row.final ?? liveLine(names.name(job), rows.size, row, frame++));
      if (names.header) lines.unshift(headerFields(names.header));
      update?.(lines.map((fields) => fitFields(fields, width)).join("\n"));
    };

    hooks.plan.tap({ name: PLUGIN_NAME, stage: REPORTING_STAGE }, (jobs) => {
      for (const job of jobs) rows.set(job, { retries: 0 });
      names = sharedNames(jobs);
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
      row.progress = withLayersKept(row.progress, progress);
      if (progress.stage === "retrying") row.retries += 1;
      render();
    });
    // Rows stay in plan order, so each is numbered by its place in the plan.
    const finish = (job: Job, result: JobResult) => {
      const row = rows.get(job);
      const place = [...rows.keys()].indexOf(job) + 1;
      if (row)
        row.final = finalFields(result, names.name(job), place, rows.size).map((field) => ({ ...field, paint: colour(result) }));
      render();
    };
    hooks.afterPush.tapPromise({ name: PLUGIN_NAME, stage: REPORTING_STAGE }, async (job, result) => finish(job, result));
    hooks.failed.tapPromise({ name: PLUGIN_NAME, stage: REPORTING_STAGE }, async (job, error) =>
      finish(job, { job, status: "failed", error, attempts: 0, seconds: 0 }),
    );
    hooks.done.tapPromise(PLUGIN_NAME, async (report) => {
      if (timer) clearInterval(timer);
      if (report.dryRun || !timer) return;
      // Images never started (interrupt) leave no half-drawn line behind.
      for (const [job, row] of rows)
        if (!row.final) rows.set(job, { ...row, final: notStartedFields(names.name(job), rows.size) });
      render();
      update?.done();
    });
  }
}

function liveLine(name: string, total: number, row: Row, frame: number): Field[] {
  if (row.started === undefined) return waitingFields(name, total);
  const spinner = SPINNER[frame % SPINNER.length] ?? "*";
  const seconds = (Date.now() - row.started) / 1000;
  return liveFields(name, total, { spinner, seconds, retries: row.retries, ...(row.progress ? { progress: row.progress } : {}) });
}

/** A report without layer counts (a wait for the registry's answer) keeps those the same attempt had. */
function withLayersKept(before: JobProgress | undefined, now: JobProgress): JobProgress {
  if (now.layersTotal !== undefined || before?.layersTotal === undefined) return now;
  if (before.stage !== now.stage || before.attempt !== now.attempt) return now;
  const { layersDone, layersTotal, layersSending } = before;
  return { ...now, layersDone, layersTotal, layersSending };
}

function colour({ status }: JobResult): (text: string) => string {
  if (status === "failed") return ansis.red;
  if (status === "up-to-date") return ansis.dim;
  return ansis.green;
}
