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
 */
import { readdirSync, readFileSync } from "node:fs";

/** Far above the runtime's idle noise, far below any real transfer or docker's progress stream. */
const MIN_BYTES_PER_SECOND = 256;

export interface StallWatch {
  /** The command printed something: that is progress too. */
  activity(): void;
  stop(): void;
}

/** Calls `onStall` once when `pid` and its descendants have done no I/O for `stallMs`. */
export function watchForStall(pid: number, stallMs: number, onStall: () => void): StallWatch {
  let lastBytes = ioBytes(pid);
  let lastTick = Date.now();
  let lastProgress = lastTick;
  const timer = setInterval(
    () => {
      const bytes = ioBytes(pid);
      const now = Date.now();
      // A process that ended or started changes the sum either way: count it as progress too.
      const rate = (Math.abs(bytes - lastBytes) * 1000) / Math.max(1, now - lastTick);
      lastBytes = bytes;
      lastTick = now;
      if (rate > MIN_BYTES_PER_SECOND) {
        lastProgress = now;
      } else if (now - lastProgress >= stallMs) {
        clearInterval(timer);
        onStall();
      }
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

/** Bytes read and written so far by `pid` and every process below it; 0 for what cannot be read. */
function ioBytes(pid: number): number {
  let total = 0;
  for (const member of [pid, ...descendants(pid)]) total += processIo(member);
  return total;
}

function processIo(pid: number): number {
  try {
    const io = readFileSync(`/proc/${pid}/io`, "utf8");
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, "m").exec(io)?.[1] ?? 0);
    return field("rchar") + field("wchar");
  } catch {
    // Gone, or not ours to read: the output still counts as progress.
    return 0;
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
