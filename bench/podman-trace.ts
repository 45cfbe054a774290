/**
 * Where a push's time goes: a `podman` shim first on PATH logs each call
 * (start, end, exit code, arguments) and runs the real podman. Time outside
 * every podman call is the pushing program's own (start-up, registry API
 * requests, bookkeeping). The shim costs each call a bash start (~2 ms), so
 * it is used only for the breakdown runs, never for the measured ones.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { round } from "./stats.ts";

export interface PodmanCall {
  readonly startMs: number;
  readonly endMs: number;
  readonly code: number;
  readonly args: string;
}

export interface Breakdown {
  readonly wallMs: number;
  /** Per podman subcommand (tag, push, image inspect, ...): calls, summed duration, and first start to last end. */
  readonly podman: Record<string, { calls: number; totalMs: number; spanMs: number }>;
  /** Wall time during which at least one podman call ran. */
  readonly podmanBusyMs: number;
  /** Wall time with no podman call running: the program's own work and waits. */
  readonly outsidePodmanMs: number;
  /** Start-up and everything before the first podman call. */
  readonly beforeFirstCallMs: number;
  /** Until the first image is tagged: start-up plus every check made before touching anything. */
  readonly beforeFirstTagMs: number;
  /** Between podman calls (with -j 1: the per-image work outside podman, e.g. registry requests). */
  readonly betweenCallsMs: number;
  readonly afterLastCallMs: number;
}

export interface Tracer {
  readonly env: NodeJS.ProcessEnv;
  /** Calls logged since the last `take()`. */
  take(): PodmanCall[];
}

export function podmanTracer(dir: string, env: NodeJS.ProcessEnv, realPodman: string): Tracer {
  mkdirSync(dir, { recursive: true });
  const log = join(dir, "calls.log");
  const shim = join(dir, "podman");
  // $EPOCHREALTIME (bash 5): microseconds without forking `date`.
  writeFileSync(
    shim,
    [
      "#!/usr/bin/env bash",
      "start=$EPOCHREALTIME",
      `"${realPodman}" "$@"`,
      "rc=$?",
      `printf '%s %s %s %s\\n' "$start" "$EPOCHREALTIME" "$rc" "$*" >> "${log}"`,
      "exit $rc",
    ].join("\n") + "\n",
  );
  chmodSync(shim, 0o755);
  writeFileSync(log, "");
  return {
    env: { ...env, PATH: `${dir}:${env.PATH ?? ""}` },
    take() {
      const calls = readFileSync(log, "utf8").split("\n").filter(Boolean).map(parseCall);
      writeFileSync(log, "");
      return calls;
    },
  };
}

export function removeTracer(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function parseCall(line: string): PodmanCall {
  const [start = "0", end = "0", code = "0", ...args] = line.split(" ");
  return { startMs: Number(start) * 1000, endMs: Number(end) * 1000, code: Number(code), args: args.join(" ") };
}

/** Splits a run that lasted from `startedAt` to `endedAt` (epoch ms) into podman calls and the rest. */
export function breakdown(calls: readonly PodmanCall[], startedAt: number, endedAt: number): Breakdown {
  const podman: Record<string, { calls: number; totalMs: number; spanMs: number }> = {};
  for (const name of new Set(calls.map((call) => subcommand(call.args)))) {
    const mine = calls.filter((call) => subcommand(call.args) === name);
    podman[name] = {
      calls: mine.length,
      totalMs: round(mine.reduce((sum, call) => sum + call.endMs - call.startMs, 0)),
      spanMs: round(Math.max(...mine.map((c) => c.endMs)) - Math.min(...mine.map((c) => c.startMs))),
    };
  }
  const busy = unionMs(calls);
  const wall = endedAt - startedAt;
  const first = Math.min(...calls.map((c) => c.startMs));
  const last = Math.max(...calls.map((c) => c.endMs));
  const firstTag = Math.min(...calls.filter((c) => subcommand(c.args) === "tag").map((c) => c.startMs));
  const before = calls.length ? first - startedAt : wall;
  const after = calls.length ? endedAt - last : 0;
  return {
    wallMs: round(wall),
    podman,
    podmanBusyMs: round(busy),
    outsidePodmanMs: round(wall - busy),
    beforeFirstCallMs: round(before),
    beforeFirstTagMs: round(Number.isFinite(firstTag) ? firstTag - startedAt : wall),
    betweenCallsMs: round(wall - busy - before - after),
    afterLastCallMs: round(after),
  };
}

function subcommand(args: string): string {
  const words = args.split(" ");
  return words[0] === "image" ? `image ${words[1] ?? ""}` : (words[0] ?? "");
}

function unionMs(calls: readonly PodmanCall[]): number {
  const sorted = [...calls].sort((a, b) => a.startMs - b.startMs);
  let total = 0;
  let openStart = -Infinity;
  let openEnd = -Infinity;
  for (const { startMs, endMs } of sorted) {
    if (startMs > openEnd) {
      if (openEnd > openStart) total += openEnd - openStart;
      openStart = startMs;
      openEnd = endMs;
    } else {
      openEnd = Math.max(openEnd, endMs);
    }
  }
  if (openEnd > openStart) total += openEnd - openStart;
  return total;
}
