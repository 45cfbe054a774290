/** Polling until a service answers, with a deadline and the reason it never did. */
import { setTimeout as sleep } from "node:timers/promises";

export interface WaitOptions {
  /** What we are waiting for, for the error message. */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Called on timeout or abort to add context (a log tail) to the error. */
  diagnostics?: () => string;
  /** Return a reason to give up at once (e.g. the process already exited). */
  abort?: () => string | undefined;
}

/** Calls `check` until it returns true; throws loudly on timeout. */
export async function waitFor(check: () => Promise<boolean>, opts: WaitOptions): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let lastError = "";
  for (;;) {
    const aborted = opts.abort?.();
    if (aborted) throw new Error(`test bed: ${opts.what} failed: ${aborted}${extra(opts)}`);
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      const why = lastError ? ` (last error: ${lastError})` : "";
      throw new Error(`test bed: timed out waiting for ${opts.what}${why}${extra(opts)}`);
    }
    await sleep(opts.intervalMs ?? 100);
  }
}

function extra(opts: WaitOptions): string {
  const text = opts.diagnostics?.().trim();
  return text ? `\n--- log ---\n${text}` : "";
}
