/**
 * One PATCH of a large blob's upload (chunked-upload.ts decides which):
 * the rest of the blob as a stream, or a chunk, each on a signal of its
 * own so that the run's first Ctrl-C can let it end well, and the lines
 * that say so.
 */
import { interruptedFailure } from "../core/errors.ts";
import { patchChunk, patchStream, type UploadSession } from "./chunk-steps.ts";
import { FINISH_WAIT_MS, mebibytes } from "./chunk-plan.ts";
import type { BundleBlob } from "../bundle/bundle.ts";
import type { TransportContext } from "../core/transport.ts";
import type { Patience } from "./blob-steps.ts";
import type { ChunkLimits } from "./chunk-limits.ts";
import type { RegistryConnection } from "./connection.ts";
import type { UploadSessions } from "./upload-sessions.ts";

/** A large blob's upload, as chunked-upload.ts runs it. */
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

/**
 * One PATCH (a stream of the rest, or a chunk), on a signal of its own: the
 * run's first Ctrl-C ends a stream's body where it is and lets a chunk
 * finish, then waits for the answer (bounded); a second one or the bound
 * stops it. `sent` counts the bytes the body carried.
 */
export async function sendChunk(
  upload: ChunkedUpload,
  session: UploadSession,
  length: number,
  streamed: boolean,
  sent: { bytes: number },
): Promise<UploadSession> {
  const { runner, registry, name, blob } = upload;
  const chunk = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const finish = () => {
    const bound = `at most ${FINISH_WAIT_MS / 1000}s`;
    const next = "the next run continues from there";
    const where = at(session.offset + sent.bytes, blob.size);
    runner.log.always(
      streamed
        ? `Stopping the upload of ${layerOf(upload)} at ${where} (its answer awaited ${bound}); ${next}`
        : `Finishing the current ${mebibytes(length)} chunk of ${layerOf(upload)} (${bound}); ${next}`,
    );
    timer = setTimeout(() => chunk.abort(), FINISH_WAIT_MS);
  };
  const stopNow = () => chunk.abort();
  runner.stopSignal.addEventListener("abort", finish, { once: true });
  runner.stopNowSignal.addEventListener("abort", stopNow, { once: true });
  // Opened afresh for each send (a token that expired on the way sends the chunk again).
  // The chunk's bytes feed the blob's check; the last chunk fails, unsent, when the blob is not what the bundle says.
  const ends = () => streamed && runner.stopSignal.aborted;
  const body = () => upload.progress.counted(carried(blob.chunks(session.offset, length), sent, ends));
  try {
    const refused = (status: number) =>
      streamed ? upload.limits.refusesStream(status) : upload.limits.refuses(status, session.offset);
    const patience = upload.patience(length);
    return streamed
      ? await patchStream(registry, name, { session, body }, patience, chunk.signal, refused, () => sent.bytes)
      : await patchChunk(registry, name, { session, body, length }, patience, chunk.signal, refused);
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

/** The body's chunks, each counted in `sent` as it is handed over; none after `ends()` says so. */
async function* carried(chunks: AsyncIterable<Buffer>, sent: { bytes: number }, ends: () => boolean): AsyncGenerator<Buffer> {
  sent.bytes = 0;
  for await (const chunk of chunks) {
    sent.bytes += chunk.length;
    yield chunk;
    if (ends()) return;
  }
}

/** "98 of 200 MiB". */
export function at(offset: number, size: number): string {
  return `${Math.round(offset / 2 ** 20)} of ${mebibytes(size)}`;
}

export function layerOf(upload: ChunkedUpload): string {
  return `${upload.image}'s layer ${short(upload.blob.digest)}`;
}

/** `sha256:` and the first 12 hex digits, as lines about a layer name it. */
export function short(digest: string): string {
  return `${digest.slice(0, digest.indexOf(":") + 13)}…`;
}
