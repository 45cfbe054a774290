/**
 * Stand-ins for podman and docker, first on PATH, that wrap the real tool's
 * `push` and pass every other call straight on:
 * - `timedPushes`: records when each push starts and ends, to see how many ran at once;
 * - `stalledPushes`: a push that hangs (as over a dead link) after recording its
 *   pid, so a test can interrupt a run mid-push and check that it was stopped.
 * The scripts use absolute paths only: the bed's PATH has no date or sleep.
 */
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { findOnPath } from "../../bed/tool-path.ts";
import { useBed } from "./bed.ts";
import { testDir, type Tool } from "./local-tools.ts";

export interface PushStandIn {
  /** PATH with the stand-in first. */
  path: string;
  dir: string;
}

function standIn(tool: Tool, pushBody: (real: string, dir: string) => string): PushStandIn {
  const dir = testDir();
  const bedPath = useBed().env.PATH ?? "";
  const real = findOnPath(tool, bedPath);
  if (!real) throw new Error(`${tool} is not on the bed's PATH`);
  writeFileSync(
    join(dir, tool),
    `#!/bin/sh
if [ "$1" = push ]; then
${pushBody(real, dir)}
fi
exec '${real}' "$@"
`,
  );
  chmodSync(join(dir, tool), 0o755);
  return { path: `${dir}${delimiter}${bedPath}`, dir };
}

export interface PushSpan {
  start: number;
  end: number;
}

/** Pushes run through the real tool; each one's start and end (ms) are recorded. */
export function timedPushes(tool: Tool): PushStandIn & { spans: () => PushSpan[] } {
  const stand = standIn(
    tool,
    (real, dir) => `  start=$(/bin/date +%s%3N)
  '${real}' "$@"; code=$?
  echo "$start $(/bin/date +%s%3N)" >> '${join(dir, "spans")}'
  exit $code`,
  );
  const file = join(stand.dir, "spans");
  return {
    ...stand,
    spans: () =>
      (existsSync(file) ? readFileSync(file, "utf8") : "")
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split(" ").map(Number))
        .map(([start = 0, end = 0]) => ({ start, end })),
  };
}

/** The most spans that overlap at one moment. */
export function mostAtOnce(spans: readonly PushSpan[]): number {
  const edges = spans
    .flatMap(
      (s) =>
        [
          [s.start, 1],
          [s.end, -1],
        ] as const,
    )
    // At a tie an end comes first: back-to-back pushes did not overlap.
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, delta] of edges) most = Math.max(most, (now += delta));
  return most;
}

/** True while `pid` runs; a zombie (dead, not yet reaped) does not count. */
export function isRunning(pid: number): boolean {
  try {
    // /proc/PID/stat: "PID (comm) STATE ...".
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Every push hangs for `seconds`, then really pushes; its pid is left in `<dir>/pushing.<pid>`. */
export function stalledPushes(tool: Tool, seconds = 60): PushStandIn & { pids: () => number[] } {
  const stand = standIn(
    tool,
    (real, dir) => `  : > '${dir}/pushing.'$$
  /bin/sleep ${seconds}
  exec '${real}' "$@"`,
  );
  return {
    ...stand,
    pids: () =>
      readdirSync(stand.dir)
        .filter((f) => f.startsWith("pushing."))
        .map((f) => Number(f.slice("pushing.".length))),
  };
}
