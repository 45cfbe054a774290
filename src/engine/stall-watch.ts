/**
 * Notices a command that has stopped making progress: a registry that took
 * a blob upload and never answers holds podman's (or dockerd's) connection
 * open for as long as one waits. Progress is any byte the command or its
 * children read or wrote (/proc/PID/io counts files, pipes and sockets
 * alike: compressing a layer reads it, uploading writes it, docker's CLI
 * reads dockerd's progress stream) or any output it printed. A Go program
 * idling on a dead connection still moves a few bytes a second (its
 * runtime's timer pipe: 4-5 B/s measured with podman 4.3), so progress
 * means more than MIN_BYTES_PER_SECOND.
 *
 * Quiet is not always a stall: a registry placing a large blob answers its
 * final PUT minutes late (src/core/answer-wait.ts). When the command's TCP
 * connections hold nothing unsent (socket-queues.ts), it is waiting for the
 * answer, and may wait `answerMs(bytes it wrote)`; when they cannot be
 * seen (docker: dockerd uploads, out of a docker-group user's sight),
 * `blindAnswerMs` says how long, if at all.
 */
import { readdirSync, readFileSync } from "node:fs";
import { sendState } from "./socket-queues.ts";

/** Far above the runtime's idle noise, far below any real transfer or docker's progress stream. */
const MIN_BYTES_PER_SECOND = 256;

export interface StallWatch {
  /** The command printed something: that is progress too. */
  activity(): void;
  stop(): void;
}

/** When quiet is a stall. */
export interface StallRule {
  /** Quiet for this long, with bytes left to send, is a stall. */
  readonly stallMs: number;
  /** How long a command that has sent all it had may wait for the answer, by the bytes it wrote (answer-wait.ts). */
  readonly answerMs: (written: number) => number;
  /** The same when its connections cannot be seen (docker); undefined: --stall-timeout then. */
  readonly blindAnswerMs?: number;
  /** Called once per quiet spell when it is taken as waiting for an answer, with the longest wait. */
  readonly onWaiting?: (waitMs: number) => void;
}

/** Calls `onStall` once when `pid` and its descendants have done no I/O for longer than `rule` allows. */
export function watchForStall(pid: number, rule: StallRule, onStall: () => void): StallWatch {
  const { stallMs } = rule;
  const first = ioBytes(pid);
  let lastBytes = first.total;
  let lastTick = Date.now();
  let lastProgress = lastTick;
  let waitingSaid = false;
  const timer = setInterval(
    () => {
      const { total: bytes, written } = ioBytes(pid);
      const now = Date.now();
      // A process that ended or started changes the sum either way: count it as progress too.
      const rate = (Math.abs(bytes - lastBytes) * 1000) / Math.max(1, now - lastTick);
      lastBytes = bytes;
      lastTick = now;
      if (rate > MIN_BYTES_PER_SECOND) {
        lastProgress = now;
        waitingSaid = false;
        return;
      }
      const quiet = now - lastProgress;
      if (quiet < stallMs) return;
      const allowed = answerWait(pid, rule, Math.max(0, written - first.written));
      if (quiet < allowed) {
        if (!waitingSaid) rule.onWaiting?.(allowed);
        waitingSaid = true;
        return;
      }
      clearInterval(timer);
      onStall();
    },
    Math.min(1000, Math.max(100, stallMs / 4)),
  );
  timer.unref();
  return {
    activity: () => {
      lastProgress = Date.now();
    },
    stop: () => clearInterval(timer),
  };
}

/** How long the quiet may last: longer once the command's connections hold nothing unsent. */
function answerWait(pid: number, rule: StallRule, written: number): number {
  const state = sendState([pid, ...descendants(pid)]);
  if (state === "all-sent") return rule.answerMs(written);
  if (state === "unknown") return rule.blindAnswerMs ?? rule.stallMs;
  return rule.stallMs;
}

/** Bytes read and written so far by `pid` and every process below it, and of those the written; 0 for what cannot be read. */
function ioBytes(pid: number): { total: number; written: number } {
  let total = 0;
  let written = 0;
  for (const member of [pid, ...descendants(pid)]) {
    const io = processIo(member);
    total += io.read + io.written;
    written += io.written;
  }
  return { total, written };
}

function processIo(pid: number): { read: number; written: number } {
  try {
    const io = readFileSync(`/proc/${pid}/io`, "utf8");
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, "m").exec(io)?.[1] ?? 0);
    return { read: field("rchar"), written: field("wchar") };
  } catch {
    // Gone, or not ours to read: the output still counts as progress.
    return { read: 0, written: 0 };
  }
}

function descendants(pid: number): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.pop() as number;
    for (const child of children(parent)) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Children of every thread of `pid` (Go programs fork from any thread). */
function children(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}
