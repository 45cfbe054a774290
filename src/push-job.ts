/**
 * One image: skip it when the target already holds it, else tag, push
 * (retrying transient failures) and check what the registry now holds.
 * The temporary tag is noted for the runner to remove (unless it was there
 * before), so local storage is left as it was found.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { digestFromDockerPush } from "./container-tool.ts";
import { diagnose, isTransient } from "./diagnose.ts";
import { failure } from "./errors.ts";
import type { ImageStatus, Job, JobProgress } from "./hooks.ts";
import { remoteImage, type RemoteImage } from "./registry/manifest.ts";
import { backoffMs, pause, retryAfterMs } from "./retry.ts";
import type { Runner } from "./runner.ts";

export interface PushOutcome {
  readonly status: ImageStatus;
  readonly digest?: string;
  readonly attempts: number;
}

/** Push attempts made so far, readable by the caller when the job fails. */
export interface AttemptTally {
  attempts: number;
}

/**
 * `before`: what the target held, when already asked for (src/look-ahead.ts);
 * otherwise it is asked for here.
 */
export async function pushJob(runner: Runner, job: Job, tally: AttemptTally = { attempts: 0 }, before?: Promise<RemoteImage | undefined>): Promise<PushOutcome> {
  const { tool, shell, hooks, log } = runner;
  const progress = (state: JobProgress) => hooks.progress.call(job, state);
  await hooks.beforePush.promise(job);
  const localId = runner.localImages.get(job.source);

  progress({ stage: "checking" });
  const held = await (before ?? lookUp(runner, job.target));
  if (held && holds(held, localId)) return { status: "up-to-date", digest: held.digest, attempts: 0 };

  const targetExisted = job.target === job.source || runner.localImages.get(job.target) !== undefined;
  progress({ stage: "tagging" });
  const tag = await shell.run(tool.name, hooks.tagArgs.call(tool.tagArgs(job), job), { mutates: true });
  // Removed by the runner once all pushes are over, in one command; a tag
  // cut short by an interrupt may still have been made.
  if (!targetExisted && (tag.exitCode === 0 || runner.interrupted)) runner.temporaryTags.add(job.target);
  if (tag.exitCode !== 0) throw diagnose(tag.stderr, context(runner, job, "tag"));

  const { digest, attempts } = await pushWithRetries(runner, job, tally);
  progress({ stage: "verifying", attempt: attempts });
  const after = await readBack(runner, job.target);
  if (after === "absent") {
    throw failure("VERIFY_FAILED", `${tool.name} reported ${job.target} pushed, but the registry has no manifest for it`, "run push-images again; if it fails the same way, check the registry's logs and storage");
  }
  if (after === undefined && runner.interrupted) throw failure("INTERRUPTED", `stopped by ${runner.interrupted} while checking the push`, "run the same command again");
  if (after === undefined) {
    log.verbose(`could not read back ${job.target}; reporting the digest ${tool.name} printed`);
    return { status: "pushed", digest, attempts };
  }
  if (!holds(after, localId)) {
    throw failure("VERIFY_FAILED", `${job.target} does not hold ${job.source} after the push (it names config ${after.configDigest ?? "none"})`, "another push to the same tag may have raced this one; run push-images again");
  }
  return { status: "pushed", digest: after.digest, attempts };
}

/** After a push: what the target holds, "absent" when the registry says it has no such manifest, undefined when it cannot be read. */
async function readBack(runner: Runner, reference: string): Promise<RemoteImage | "absent" | undefined> {
  try {
    return (await remoteImage(await runner.registry(), reference)) ?? "absent";
  } catch (error) {
    runner.log.verbose(`could not read ${reference} from the registry: ${(error as Error).message}`);
    return undefined;
  }
}

/** The registry holds the local image when its config (or, for containerd's store, its manifest) is the local id. */
function holds(remote: RemoteImage, localId: string | undefined): boolean {
  return localId !== undefined && (remote.configDigest === localId || remote.digest === localId);
}

/** What the target holds; undefined when it holds nothing or cannot be read (then the push decides). */
export async function lookUp(runner: Runner, reference: string): Promise<RemoteImage | undefined> {
  try {
    return await remoteImage(await runner.registry(), reference);
  } catch (error) {
    runner.log.verbose(`could not read ${reference} from the registry: ${(error as Error).message}`);
    return undefined;
  }
}

async function pushWithRetries(runner: Runner, job: Job, tally: AttemptTally): Promise<{ digest?: string; attempts: number }> {
  const { tool, shell, hooks, options } = runner;
  const workDir = await mkdtemp(join(runner.tempDir, "push-"));
  try {
    const digestFile = join(workDir, "digest");
    for (let attempt = 1; ; attempt++) {
      tally.attempts = attempt;
      hooks.progress.call(job, { stage: "pushing", attempt });
      const push = await shell.run(tool.name, hooks.pushArgs.call(tool.pushArgs(job, digestFile), job), { mutates: true, stallMs: options.stallTimeoutMs });
      // podman exits 0 when it is stopped by SIGTERM: after an interrupt, its exit code proves nothing.
      if (runner.interrupted) throw failure("INTERRUPTED", `stopped by ${runner.interrupted} while pushing`, "run the same command again to push what is left");
      // Stopped for stalling: podman exits 0 on SIGTERM, so the exit code says nothing here either.
      if (push.exitCode === 0 && !push.stalled) {
        const digest = tool.name === "podman" ? await readFile(digestFile, "utf8").catch(() => undefined) : digestFromDockerPush(push.stdout);
        return { digest: digest?.trim() || undefined, attempts: attempt };
      }
      const output = `${push.stderr}\n${push.stdout}`;
      const error = push.stalled ? stalled(runner, job) : diagnose(output, context(runner, job, "push"));
      if (!isTransient(error) || attempt > options.retries || runner.interrupted) throw error;
      const delayMs = retryAfterMs(output, runner.retryPolicy) ?? backoffMs(attempt, runner.retryPolicy);
      hooks.progress.call(job, { stage: "retrying", attempt: attempt + 1, delayMs, reason: error.message });
      await pause(delayMs, runner.stopSignal);
      // The wait was cut short by an interrupt: no new push.
      if (runner.interrupted) throw error;
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function stalled(runner: Runner, job: Job) {
  const seconds = runner.options.stallTimeoutMs / 1000;
  return failure(
    "REGISTRY_STALLED",
    `the push of ${job.image} made no progress for ${seconds}s: ${runner.options.registry.host} stopped answering`,
    `check the registry and the network to it, then run push-images again (wait longer with --stall-timeout ${seconds * 4})`,
  );
}

function context(runner: Runner, job: Job, stage: string) {
  return { tool: runner.tool.name, registryHost: runner.options.registry.host, action: `${stage} of ${job.image}` };
}
