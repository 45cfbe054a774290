/**
 * One step of a --from-archive push (a blob placed, a manifest put) run
 * again after transient failures, with backoff, up to --retries times,
 * each retry said on the job's progress.
 */
import type { Job } from "../core/hooks.ts";
import { pause, retryWait } from "../core/retry.ts";
import type { TransportContext } from "../core/transport.ts";
import { pushError } from "./push-error.ts";

/** Attempts one send has made so far. */
export interface AttemptTally {
  attempts: number;
}

export async function withRetries<T>(
  runner: TransportContext,
  job: Job,
  tally: AttemptTally,
  step: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (caught) {
      const error = pushError(caught, job.image, runner);
      const transient = (error as { transient?: boolean }).transient === true;
      if (!transient || attempt > runner.options.retries || runner.interrupted) throw error;
      tally.attempts = Math.max(tally.attempts, attempt + 1);
      const { delayMs, said } = retryWait(attempt, runner.retryPolicy, (error as { retryAfterMs?: number }).retryAfterMs);
      const reason = `${error.message}${said}`;
      runner.hooks.progress.call(job, { stage: "retrying", attempt: attempt + 1, delayMs, reason });
      await pause(delayMs, runner.stopSignal);
      if (runner.interrupted) throw error;
    }
  }
}
