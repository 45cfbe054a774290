/**
 * What a registry told this run about the chunks it takes, kept for the
 * whole run so that every later blob goes the way that worked:
 * - A large blob goes first as one streamed PATCH (chunked-upload.ts). A
 *   refusal of it (411 from a proxy that takes no chunked request body,
 *   as nginx before 1.3.9; 413 from one with a body limit; any status
 *   below that refuses chunks) sends blobs in Content-Range chunks instead.
 * - `OCI-Chunk-Min-Length` on the answer to the POST that opens an upload
 *   (distribution-spec 1.1): no chunk but the last is smaller.
 * - 413 or 416 to a chunk: the chunk is too large for it (GHCR refuses a
 *   chunk over 4 MiB with 416: oras-project/rust-oci-client#35). The next
 *   chunks are SMALL_CHUNK, once; refused again, or when the registry's
 *   minimum forbids going smaller, blobs go whole.
 * - 400, 405 or 501 to the first chunk of an upload: the registry takes no
 *   chunks at all (Artifact Registry and GCR take monolithic uploads only,
 *   "Artifact Registry does not support Docker chunked uploads" in its
 *   Docker API reference): blobs go whole.
 */

const MiB = 1024 * 1024;

/** The smallest limit met in the field: GHCR's 4 MiB. */
export const SMALL_CHUNK = 4 * MiB;

/** Statuses that say a chunk was too large. */
const TOO_LARGE = new Set([413, 416]);

/** Statuses that, to an upload's first chunk, say the registry takes no chunks. */
const NO_CHUNKS = new Set([400, 405, 501]);

/** Statuses that refuse a streamed PATCH: the chunks below are tried instead. */
const NO_STREAMS = new Set([411, ...TOO_LARGE, ...NO_CHUNKS]);

/** What to do after a refused chunk. */
export type AfterRefusal = "smaller" | "whole";

export class ChunkLimits {
  private max?: number;
  private min = 0;
  private noChunks = false;
  private noStreams = false;

  /** Blobs go whole from now on. */
  get whole(): boolean {
    return this.noChunks;
  }

  /** Large blobs go in one streamed PATCH: the registry has refused none yet. */
  get streams(): boolean {
    return !this.noStreams && !this.noChunks;
  }

  /** Whether `status`, to a streamed PATCH, refuses the stream (rather than failing it). */
  refusesStream(status: number): boolean {
    return NO_STREAMS.has(status);
  }

  /** After a refused stream: Content-Range chunks for the rest of the run. */
  streamRefused(): "smaller" {
    this.noStreams = true;
    return "smaller";
  }

  /** The registry's OCI-Chunk-Min-Length, from the answer that opened an upload. */
  announce(header: string | string[] | undefined): void {
    const value = typeof header === "string" ? Number(header.trim()) : NaN;
    if (Number.isSafeInteger(value) && value > 0) this.min = Math.max(this.min, value);
  }

  /** `wanted` bounded by what the registry said; the rest of the blob when less remains. */
  length(wanted: number, remaining: number): number {
    const bounded = Math.max(this.min, Math.min(this.max ?? Infinity, wanted));
    return Math.min(remaining, bounded);
  }

  /** Whether `status`, to a chunk at `offset`, refuses the chunk for its size or kind. */
  refuses(status: number, offset: number): boolean {
    return TOO_LARGE.has(status) || (NO_CHUNKS.has(status) && offset === 0);
  }

  /** After a refusal (`refuses`) of a chunk of `length` at `offset`: smaller chunks, or whole blobs, for the rest of the run. */
  refusal(status: number, length: number, offset: number): AfterRefusal {
    if (NO_CHUNKS.has(status) && offset === 0) return this.goWhole();
    const smaller = Math.max(this.min, SMALL_CHUNK);
    if (this.max !== undefined || smaller >= length) return this.goWhole();
    this.max = smaller;
    return "smaller";
  }

  private goWhole(): "whole" {
    this.noChunks = true;
    return "whole";
  }
}
