/**
 * Ctrl-C, SIGTERM and SIGHUP (an ssh session or terminal that goes away),
 * from the first line of a run to the last: the first
 * signal is recorded, fires `signal` (HTTP requests and waits listen to it)
 * and calls the registered stoppers (running commands). The command then
 * ends on its own, cleans up, reports what was stopped and exits 130.
 * Handlers stay installed until the end, so a second Ctrl-C cannot kill the
 * program halfway through its clean-up; it goes to `onRepeat` listeners
 * instead (what the first let finish, such as an upload's current chunk,
 * stops then).
 */

import { setMaxListeners } from "node:events";

/**
 * The signals that interrupt a run. SIGHUP is one of them: left to its
 * default it would end the program at once, with docker's temporary tags,
 * the run's temporary directory and no report left behind.
 */
const INTERRUPTING_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export interface Interrupts {
  /** Aborted by the first SIGINT, SIGTERM or SIGHUP. */
  readonly signal: AbortSignal;
  /** The signal that interrupted the run, if one did. */
  readonly by: string | undefined;
  /** Calls `stop` on interrupt (at once if already interrupted); returns the undo. */
  onInterrupt(stop: (signal: string) => void): () => void;
  /** Calls `stop` on every signal after the first; returns the undo. */
  onRepeat(stop: (signal: string) => void): () => void;
  /** Removes the signal handlers. */
  close(): void;
}

export function listenForInterrupts(): Interrupts {
  const controller = new AbortController();
  // Requests and waits all over the run listen to it.
  setMaxListeners(0, controller.signal);
  const stoppers = new Set<(signal: string) => void>();
  const repeatStoppers = new Set<(signal: string) => void>();
  let by: string | undefined;
  const handle = (signal: NodeJS.Signals) => {
    if (by !== undefined) {
      for (const stop of repeatStoppers) stop(signal);
      return;
    }
    by = signal;
    controller.abort(new Error(`interrupted by ${signal}`));
    for (const stop of stoppers) stop(signal);
  };
  for (const signal of INTERRUPTING_SIGNALS) process.on(signal, handle);
  return {
    signal: controller.signal,
    get by() {
      return by;
    },
    onInterrupt(stop) {
      if (by !== undefined) stop(by);
      stoppers.add(stop);
      return () => stoppers.delete(stop);
    },
    onRepeat(stop) {
      repeatStoppers.add(stop);
      return () => repeatStoppers.delete(stop);
    },
    close() {
      for (const signal of INTERRUPTING_SIGNALS) process.off(signal, handle);
    },
  };
}
