/**
 * One image: skip it when the target already holds it, else hand it to the
 * run's transport (src/core/transport.ts: the container engine or the registry
 * API) and check what the registry now holds. It is reported `pushed` only
 * when the registry gives the image back (200 with its manifest, at the end
 * of any redirects); a read-back that fails is VERIFY_FAILED.
 */
import { failure, interruptedFailure } from "./errors.ts";
import type { Logger } from "./logger.ts";
import type { ImageStatus, Job, RunnerHooks } from "./hooks.ts";
import type { RegistryConnection } from "../registry/connection.ts";
import { remoteImage, splitReference, type RemoteImage } from "../registry/manifest.ts";
import { backoffMs, pause, type RetryPolicy } from "./retry.ts";
import type { Transport } from "./transport.ts";
import { indexDifference } from "./index-held.ts";
import { imageIndexOf } from "./platform-plan.ts";
import { platformsText, type ImageIndex } from "./platforms.ts";

/** Where the target's manifest is read: the registry's API, and the log for what could not be read. */
export interface ReadBackParts {
  readonly log: Logger;
  registry(): Promise<RegistryConnection>;
}

/** What one job needs of the run. */
export interface PushJobParts extends ReadBackParts {
  readonly hooks: RunnerHooks;
  readonly transport: Transport;
  /** Local image ids by reference, found by preflight. */
  readonly localImages: ReadonlyMap<string, string | undefined>;
  readonly interrupted: string | undefined;
  /** The read-back's brief retries wait as pushes do, and stop on the first Ctrl-C. */
  readonly retryPolicy: RetryPolicy;
  readonly stopSignal: AbortSignal;
  /** --force: send the image even when the target holds it (a registry that lost a blob gets it back). */
  readonly options: { readonly force: boolean };
  /** podman's manifest lists among the sources (a bundle's indexes come from the transport). */
  readonly localLists?: ReadonlyMap<string, ImageIndex>;
}

/** What one job came to: its status, or the error that failed it; the push attempts either way. */
export type PushOutcome =
  | { readonly status: ImageStatus; readonly digest?: string; readonly attempts: number }
  | { readonly status: "failed"; readonly error: unknown; readonly attempts: number };

/**
 * `before`: what the target held, when already asked for (src/core/look-ahead.ts);
 * otherwise it is asked for here.
 */
export async function pushJob(runner: PushJobParts, job: Job, before?: Promise<RemoteImage | undefined>): Promise<PushOutcome> {
  const { hooks, transport } = runner;
  await hooks.beforePush.promise(job);
  // A bundle's transport knows its images' ids; an engine push takes what preflight found.
  const localId = transport.imageId?.(job.source) ?? runner.localImages.get(job.source);

  hooks.progress.call(job, { stage: "checking" });
  const held = await (before ?? lookUp(runner, job.target));
  const index = imageIndexOf(runner, job.source);
  if (
    held &&
    !runner.options.force &&
    (index ? (await indexDifference(runner, job.target, held, index.chosen)) === undefined : holds(held, localId))
  )
    return { status: "up-to-date", digest: held.digest, attempts: 0 };

  const sent = await transport.send(job);
  if ("error" in sent) return { status: "failed", ...sent };
  try {
    return await verify(runner, job, localId, sent, index);
  } catch (error) {
    return { status: "failed", error, attempts: sent.attempts };
  }
}

/** Reads the target back after the send: `pushed` only when the registry holds the local image. */
async function verify(
  runner: PushJobParts,
  job: Job,
  localId: string | undefined,
  sent: { digest?: string; attempts: number },
  index: ImageIndex | undefined,
): Promise<PushOutcome> {
  const { hooks, transport } = runner;
  const { attempts } = sent;
  hooks.progress.call(job, { stage: "verifying", attempt: attempts });
  const after = await readBackAfterPush(runner, job.target);
  if (after === "absent") {
    throw failure(
      "VERIFY_FAILED",
      `${transport.name} reported ${job.target} pushed, but the registry has no manifest for it`,
      "run push-images again; if it fails the same way, check the registry's logs and storage",
    );
  }
  if ("unreadable" in after) {
    if (runner.interrupted) throw interruptedFailure(runner.interrupted);
    // The transport's word is no proof (a registry may answer 201 and store nothing): never `pushed` unread.
    const { host, name, tag } = splitReference(job.target);
    throw failure(
      "VERIFY_FAILED",
      `${transport.name} reported ${job.target} pushed, but the registry did not give it back: ${after.unreadable}`,
      `check what ${host} answers to GET /v2/${name}/manifests/${tag} ` +
        "(a proxy or redirect answering in its place?), then run push-images again",
    );
  }
  const difference = index && (await indexDifference(runner, job.target, after, index.chosen));
  if (difference) {
    throw failure(
      "VERIFY_FAILED",
      `${job.target} does not hold ${job.source} (${platformsText(index.chosen)}) after the push: ${difference}`,
      "another push to the same tag may have raced this one; run push-images again",
    );
  }
  if (!index && !holds(after, localId)) {
    throw failure(
      "VERIFY_FAILED",
      `${job.target} does not hold ${job.source} after the push (it names config ${after.configDigest ?? "none"})`,
      "another push to the same tag may have raced this one; run push-images again",
    );
  }
  return { status: "pushed", digest: after.digest, attempts };
}

/** Read-backs after a push: the first, and this many more when it failed on the way (5xx, 429, a broken link). */
const READ_BACK_RETRIES = 2;

/** After a push: the target as `readBack` gives it, asked again briefly when the registry failed transiently. */
async function readBackAfterPush(runner: PushJobParts, reference: string): Promise<RemoteImage | "absent" | Unreadable> {
  for (let retry = 1; ; retry++) {
    const after = await readBack(runner, reference);
    if (after === "absent" || !("unreadable" in after) || !after.transient || retry > READ_BACK_RETRIES || runner.interrupted)
      return after;
    await pause(backoffMs(retry, runner.retryPolicy), runner.stopSignal);
  }
}

/** Why the target could not be read; `transient` when asking again may help. */
interface Unreadable {
  readonly unreadable: string;
  readonly transient: boolean;
}

/** What the target holds, "absent" when the registry says it has no such manifest, or why it could not be read. */
async function readBack(runner: ReadBackParts, reference: string): Promise<RemoteImage | "absent" | Unreadable> {
  try {
    return (await remoteImage(await runner.registry(), reference)) ?? "absent";
  } catch (error) {
    const { message, status, code } = error as Error & { status?: number; code?: string };
    runner.log.verbose(`could not read ${reference} from the registry: ${message}`);
    const transient = status === undefined ? code !== undefined : status === 429 || status >= 500;
    return { unreadable: message, transient };
  }
}

/** The registry holds the local image when its config (or, for containerd's store, its manifest) is the local id. */
function holds(remote: RemoteImage, localId: string | undefined): boolean {
  return localId !== undefined && (remote.configDigest === localId || remote.digest === localId);
}

/** What the target holds; undefined when it holds nothing or cannot be read (then the push decides). */
export async function lookUp(runner: ReadBackParts, reference: string): Promise<RemoteImage | undefined> {
  const held = await readBack(runner, reference);
  return held === "absent" || "unreadable" in held ? undefined : held;
}
