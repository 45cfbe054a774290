/**
 * One job's result, whatever happened: pushed or up to date (then the
 * `afterPush` taps), or failed (then the `failed` taps). An error that is
 * not ours (a bug) is thrown on.
 */
import { interruptedFailure, PushImagesError } from "./errors.ts";
import type { Job, JobResult } from "./hooks.ts";
import { pushJob, type PushJobParts, type PushOutcome } from "./push-job.ts";
import type { RemoteImage } from "../registry/manifest.ts";

export async function runJob(run: PushJobParts, job: Job, heldBefore?: Promise<RemoteImage | undefined>): Promise<JobResult> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  // A failure before the send (a beforePush tap, the look-up) made no attempt.
  const outcome = await pushJob(run, job, heldBefore).catch((error: unknown): PushOutcome => ({
    status: "failed",
    error,
    attempts: 0,
  }));
  if ("error" in outcome) {
    const error = run.interrupted ? interruptedFailure(run.interrupted) : outcome.error;
    if (!(error instanceof PushImagesError)) throw error;
    return fail(run, { job, status: "failed", error, attempts: outcome.attempts, seconds: seconds() });
  }
  const result: JobResult = {
    job,
    status: outcome.status,
    digest: outcome.digest,
    attempts: outcome.attempts,
    seconds: seconds(),
  };
  try {
    await run.hooks.afterPush.promise(job, result);
    return result;
  } catch (caught) {
    if (!(caught instanceof PushImagesError)) throw caught;
    // The image is at the target: say so, and count it once, as failed.
    const where = `${job.target} is in the registry${result.digest ? ` (${result.digest})` : ""}, but`;
    const error = new PushImagesError(caught.code, `${where} ${caught.message}`, caught.hint, caught.exitCode, caught.detail);
    return fail(run, { ...result, status: "failed", error });
  }
}

async function fail(run: PushJobParts, result: JobResult & { error: PushImagesError }): Promise<JobResult> {
  await run.hooks.failed.promise(result.job, result.error);
  return result;
}
