/**
 * Peak RSS of one process alone, not of its children: VmHWM from
 * /proc/PID/status, read while it runs. GNU time's %M (and getrusage's
 * RUSAGE_CHILDREN) is the largest of a process and every descendant it
 * waited for, so for an engine push it would report podman's RSS, not the
 * tool's. VmHWM only grows, so the last reading is the peak up to then;
 * a peak in the last `EVERY_MS` before the exit can be missed.
 */
import { readFileSync, readlinkSync, realpathSync } from "node:fs";

const EVERY_MS = 50;

export interface PeakWatch {
  /** Stops watching; the largest VmHWM seen (KiB), NaN if none was read. */
  stop(): number;
}

/**
 * Watches `pid` from now on; only readings while it runs `executable`
 * count (the pid may run unshare and sh first, which exec it; Node.js
 * names its main thread MainThread, so the name does not tell).
 */
export function watchOwnPeak(pid: number, executable: string): PeakWatch {
  const wanted = realpathSync(executable);
  let peakKiB = Number.NaN;
  const read = () => {
    try {
      if (readlinkSync(`/proc/${pid}/exe`) !== wanted) return;
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const kib = Number(status.match(/^VmHWM:\s*(\d+) kB/m)?.[1]);
      if (Number.isFinite(kib)) peakKiB = Number.isNaN(peakKiB) ? kib : Math.max(peakKiB, kib);
    } catch {
      // Gone already, or not started yet.
    }
  };
  const timer = setInterval(read, EVERY_MS);
  read();
  return {
    stop: () => {
      clearInterval(timer);
      return peakKiB;
    },
  };
}
