/**
 * A large blob sent in chunks (sizes: chunk-plan.ts), each a PATCH read
 * from its offset in the bundle, the session recorded after each one in the
 * state file (upload-sessions.ts), then a PUT with the digest.
 * - A session that an earlier run (or an earlier attempt of this one) left
 *   is continued from the offset the registry reports; one the registry no
 *   longer knows starts afresh, with a line saying so.
 * - On the first Ctrl-C the chunk in flight finishes (for at most
 *   FINISH_WAIT_MS), is recorded, and the upload stops there. A second
 *   Ctrl-C, or the end of that wait, cuts it: distribution (and Harbor)
 *   drop a session cut mid-body, so the next run sends the blob afresh.
 * - A chunk the registry refuses for its size goes smaller, or the blob
 *   goes whole, as chunk-limits.ts decides for the run: the caller then
 *   sends it in one PUT.
 */
import type { BundleBlob } from "../bundle/bundle.ts";
import { bundleInvalid } from "../bundle/blob-check.ts";
import { interruptedFailure } from "../core/errors.ts";
import type { TransportContext } from "../core/transport.ts";
import { closeUpload, openUpload, type Patience } from "./blob-steps.ts";
import { ChunkRefused, patchChunk, uploadStatus, type UploadSession } from "./chunk-steps.ts";
import type { ChunkLimits } from "./chunk-limits.ts";
import { FINISH_WAIT_MS, mebibytes, nextChunkLength } from "./chunk-plan.ts";
import type { RegistryConnection } from "./connection.ts";
import type { UploadSessions } from "./upload-sessions.ts";

export interface ChunkedUpload {
  readonly runner: TransportContext;
  readonly registry: RegistryConnection;
  /** The repository, e.g. `apim/apim-le-cache`. */
  readonly name: string;
  readonly blob: BundleBlob;
  /** The image the blob belongs to, for the lines about it. */
  readonly image: string;
  readonly sessions: UploadSessions;
  /** A session the registry opened already (a mount it declined). */
  readonly opened?: string;
  /**
   * Reports bytes on their way: each chunk's as they go, a continued
   * session's at once; `add` with a negative count takes back a refused chunk's.
   */
  readonly progress: { counted(chunks: AsyncIterable<Buffer>): AsyncIterable<Buffer>; add(bytes: number): void };
  /** What the registry said about chunks, for the whole run. */
  readonly limits: ChunkLimits;
  /** The wait for the answer once all of `bytes` are sent (answer-wait.ts), and the line saying so. */
  readonly patience: (bytes: number) => Patience;
}

/** Sends the blob in chunks; "whole" when the registry refused them and the blob must go in one PUT instead. */
export async function uploadInChunks(upload: ChunkedUpload): Promise<"done" | "whole"> {
  const { runner, registry, name, blob, sessions, limits } = upload;
  const registryHost = runner.options.registry.host;
  let session = await continueOrStart(upload);
  let bytesPerSecond: number | undefined;
  while (session.offset < blob.size) {
    if (runner.interrupted) throw interruptedFailure(runner.interrupted);
    const length = limits.length(nextChunkLength(blob.size - session.offset, bytesPerSecond), blob.size - session.offset);
    const started = performance.now();
    try {
      session = await sendChunk(upload, session, length);
    } catch (error) {
      // A damaged blob: the bytes the registry holds of it are of no use to a later run.
      if (bundleInvalid(error)) await sessions.forget(registryHost, name, blob.digest);
      if (!(error instanceof ChunkRefused)) throw error;
      upload.progress.add(-length);
      const next = limits.refusal(error.status, length, session.offset);
      const from =
        next === "whole" ? "sending blobs whole" : `sending chunks of at most ${mebibytes(limits.length(length, length))}`;
      runner.log.info(
        `${registryHost} refused a ${mebibytes(length)} chunk of ${layerOf(upload)} (${error.message}): ${from} from now on`,
      );
      await sessions.forget(registryHost, name, blob.digest);
      if (next === "whole") return "whole";
      session = await sameOrNewSession(upload, session);
      continue;
    }
    bytesPerSecond = length / Math.max(0.001, (performance.now() - started) / 1000);
    await sessions.record({ registry: registryHost, repository: name, digest: blob.digest, size: blob.size, ...session });
    if (runner.interrupted) {
      runner.log.always(`Recorded the upload of ${layerOf(upload)} at ${at(session.offset, blob.size)} in ${sessions.file}`);
      throw interruptedFailure(runner.interrupted);
    }
  }
  // All sent, some of it by an earlier run: the whole blob is checked before the registry is told to keep it.
  await blob.checked().catch(async (error: unknown) => {
    await sessions.forget(registryHost, name, blob.digest);
    throw error;
  });
  await closeUpload(registry, name, session.location, blob.digest, upload.patience(blob.size));
  await sessions.forget(registryHost, name, blob.digest);
  return "done";
}

/** After a refused chunk: the session where the registry still holds it, else a new one. */
async function sameOrNewSession(upload: ChunkedUpload, session: UploadSession): Promise<UploadSession> {
  const status = await uploadStatus(upload.registry, upload.name, session.location);
  if ("offset" in status && status.offset <= session.offset) {
    upload.progress.add(status.offset - session.offset);
    return status;
  }
  upload.progress.add(-session.offset);
  return { location: await startSession(upload), offset: 0 };
}

/** A new upload session; the minimum chunk the registry names on its answer is kept for the run. */
async function startSession(upload: ChunkedUpload): Promise<string> {
  const { location, answer } = await openUpload(upload.registry, upload.name);
  upload.limits.announce(answer.headers["oci-chunk-min-length"]);
  return location;
}

/** The recorded session where the registry still has it; else a new one. */
async function continueOrStart(upload: ChunkedUpload): Promise<UploadSession> {
  const { runner, registry, name, blob, sessions } = upload;
  const registryHost = runner.options.registry.host;
  const recorded = sessions.get(registryHost, name, blob.digest);
  if (recorded) {
    const status = await uploadStatus(registry, name, recorded.location);
    if ("offset" in status && status.offset <= blob.size) {
      runner.log.info(`Continuing the upload of ${short(blob.digest)} to ${name} at ${at(status.offset, blob.size)}`);
      upload.progress.add(status.offset);
      return status;
    }
    const answer = "status" in status ? `HTTP ${status.status}` : `it holds ${status.offset} bytes of ${blob.size}`;
    runner.log.info(
      `The registry no longer knows the recorded upload of ${short(blob.digest)} to ${name} (${answer}): sending it afresh`,
    );
    await sessions.forget(registryHost, name, blob.digest);
  }
  return { location: upload.opened ?? (await startSession(upload)), offset: 0 };
}

/**
 * One PATCH, on a signal of its own: the run's first Ctrl-C lets it finish
 * (bounded), a second one or the bound stops it.
 */
async function sendChunk(upload: ChunkedUpload, session: UploadSession, length: number): Promise<UploadSession> {
  const { runner, registry, name, blob } = upload;
  const chunk = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const finish = () => {
    const chunkOf = `the current ${mebibytes(length)} chunk of ${layerOf(upload)}`;
    runner.log.always(`Finishing ${chunkOf} (at most ${FINISH_WAIT_MS / 1000}s); the next run continues from there`);
    timer = setTimeout(() => chunk.abort(), FINISH_WAIT_MS);
  };
  const stopNow = () => chunk.abort();
  runner.stopSignal.addEventListener("abort", finish, { once: true });
  runner.stopNowSignal.addEventListener("abort", stopNow, { once: true });
  // Opened afresh for each send (a token that expired on the way sends the chunk again).
  // The chunk's bytes feed the blob's check; the last chunk fails, unsent, when the blob is not what the bundle says.
  const body = () => upload.progress.counted(blob.chunks(session.offset, length));
  try {
    const refused = (status: number) => upload.limits.refuses(status, session.offset);
    return await patchChunk(registry, name, { session, body, length }, upload.patience(length), chunk.signal, refused);
  } catch (error) {
    if (!chunk.signal.aborted) throw error;
    const after =
      "the registry most likely drops the session (distribution and Harbor do), and the next run then sends this layer afresh";
    runner.log.always(`Stopped the upload of ${layerOf(upload)} mid-chunk: ${after}`);
    throw interruptedFailure(runner.interrupted ?? "SIGINT");
  } finally {
    clearTimeout(timer);
    runner.stopSignal.removeEventListener("abort", finish);
    runner.stopNowSignal.removeEventListener("abort", stopNow);
  }
}

/** "98 of 200 MiB". */
function at(offset: number, size: number): string {
  return `${Math.round(offset / 2 ** 20)} of ${mebibytes(size)}`;
}

function layerOf(upload: ChunkedUpload): string {
  return `${upload.image}'s layer ${short(upload.blob.digest)}`;
}

/** `sha256:` and the first 12 hex digits, as lines about a layer name it. */
function short(digest: string): string {
  return `${digest.slice(0, digest.indexOf(":") + 13)}…`;
}
