/**
 * One job's result, whatever happened: pushed or up to date (then the
 * `afterPush` taps), or failed (then the `failed` taps). An error that is
 * not ours (a bug) is thrown on.
 */
import { interruptedFailure, PushImagesError } from "./errors.ts";
import type { Job, JobResult } from "./hooks.ts";
import { pushJob, type PushJobParts } from "./push-job.ts";
import type { RemoteImage } from "../registry/manifest.ts";

export async function runJob(run: PushJobParts, job: Job, heldBefore?: Promise<RemoteImage | undefined>): Promise<JobResult> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const tally = { attempts: 0 };
  let result: JobResult;
  try {
    const { status, digest, attempts } = await pushJob(run, job, tally, heldBefore);
    result = { job, status, digest, attempts, seconds: seconds() };
  } catch (caught) {
    const error = run.interrupted ? interruptedFailure(run.interrupted) : caught;
    if (!(error instanceof PushImagesError)) throw error;
    return fail(run, { job, status: "failed", error, attempts: tally.attempts, seconds: seconds() });
  }
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
