/**
 * A large blob sent so that an interrupted upload can continue: the rest
 * of it as one streamed PATCH read from its offset in the bundle (what
 * docker, podman and skopeo send: a chunk per request would cost a round
 * trip and the registry's turnaround each, ~60 ms per 64 MiB on loopback),
 * or, where a registry refuses that, in chunks (sizes: chunk-plan.ts); the
 * session recorded in the state file (upload-sessions.ts) before a stream
 * and after each chunk; then a PUT with the digest.
 * - A session that an earlier run (or an earlier attempt of this one) left
 *   is continued from the offset the registry reports; one the registry no
 *   longer knows starts afresh, with a line saying so.
 * - On the first Ctrl-C a stream's body ends where it is, a chunk in
 *   flight finishes; the registry's answer is awaited (for at most
 *   FINISH_WAIT_MS), recorded, and the upload stops there. A second
 *   Ctrl-C, or the end of that wait, cuts it: distribution (and Harbor)
 *   drop a session cut mid-body, so the next run sends the blob afresh.
 * - A stream the registry refuses goes in chunks; a chunk it refuses for
 *   its size goes smaller, or the blob goes whole, as chunk-limits.ts
 *   decides for the run: the caller then sends it in one PUT.
 */
import { bundleInvalid } from "../bundle/blob-check.ts";
import { interruptedFailure } from "../core/errors.ts";
import { closeUpload, openUpload } from "./blob-steps.ts";
import { ChunkRefused, uploadStatus, type UploadSession } from "./chunk-steps.ts";
import { at, layerOf, sendChunk, short, type ChunkedUpload } from "./chunk-send.ts";
import { MAX_CHUNK, mebibytes, nextChunkLength } from "./chunk-plan.ts";

/** Sends the blob in chunks; "whole" when the registry refused them and the blob must go in one PUT instead. */
export async function uploadInChunks(upload: ChunkedUpload): Promise<"done" | "whole"> {
  const { runner, registry, name, blob, sessions, limits } = upload;
  const registryHost = runner.options.registry.host;
  let session = await continueOrStart(upload);
  let bytesPerSecond: number | undefined;
  while (session.offset < blob.size) {
    if (runner.interrupted) throw interruptedFailure(runner.interrupted);
    const streamed = limits.streams;
    const remaining = blob.size - session.offset;
    const length = streamed ? remaining : limits.length(nextChunkLength(remaining, bytesPerSecond), remaining);
    const record = () =>
      sessions.record({ registry: registryHost, repository: name, digest: blob.digest, size: blob.size, ...session });
    // A run killed outright mid-stream leaves the session where the stream began: the next asks the registry.
    if (streamed) await record();
    const started = performance.now();
    const sent = { bytes: 0 };
    try {
      session = await sendChunk(upload, session, length, streamed, sent);
    } catch (error) {
      // A damaged blob: the bytes the registry holds of it are of no use to a later run.
      if (bundleInvalid(error)) await sessions.forget(registryHost, name, blob.digest);
      if (!(error instanceof ChunkRefused)) throw error;
      upload.progress.add(-sent.bytes);
      const next = streamed ? limits.streamRefused() : limits.refusal(error.status, length, session.offset);
      const from =
        next === "whole" ? "sending blobs whole" : `sending chunks of at most ${mebibytes(limits.length(MAX_CHUNK, MAX_CHUNK))}`;
      const what = streamed ? "streamed upload" : `${mebibytes(length)} chunk`;
      runner.log.info(`${registryHost} refused a ${what} of ${layerOf(upload)} (${error.message}): ${from} from now on`);
      await sessions.forget(registryHost, name, blob.digest);
      if (next === "whole") return "whole";
      session = await sameOrNewSession(upload, session);
      continue;
    }
    bytesPerSecond = sent.bytes / Math.max(0.001, (performance.now() - started) / 1000);
    await record();
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
