/**
 * Ctrl-C in the middle of a `save`: pressed once the bundle is under way
 * (its partial file is beside -o), then the run must stop with exit 130 in
 * the saving stage and leave nothing beside -o.
 */
import { readdirSync } from "node:fs";
import { expect } from "vitest";
import { waitFor } from "../../bed/wait.ts";
import type { CliResult, RunningCli } from "./cli.ts";
import { describeRun } from "./expect-cli.ts";

/** `dir` holds -o's `images.tar`; `intervalMs`: how often to look for it (a short save needs a quick eye). */
export async function interruptSaveUnderway(run: RunningCli, dir: string, intervalMs = 100): Promise<CliResult> {
  await waitFor(async () => readdirSync(dir).some((name) => name.startsWith(".images.tar.partial-")), {
    what: "the bundle to be under way beside -o",
    intervalMs,
    timeoutMs: 30_000,
  });
  run.kill("SIGINT");
  const r = await run.result;
  expect(r.code, describeRun(r)).toBe(130);
  expect(r.stderr).toMatch(/Stopped: .*saving/);
  expect(readdirSync(dir), "files left beside the bundle").toEqual([]);
  return r;
}
