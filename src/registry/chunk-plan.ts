/**
 * Which blobs go up so that an interrupted upload can continue (one
 * streamed PATCH, or chunks where a registry refuses that:
 * src/registry/chunked-upload.ts), and how big each chunk is. Ctrl-C ends
 * a stream where it is, or lets a chunk finish, and the next run continues
 * from there; everything else keeps the single request it had. The chunk
 * sizes follow from three needs: the bench's
 * layers (~12 MB each, on a ~60 MB base that gzips to far less) must not
 * get slower, a chunk in flight at Ctrl-C must finish within
 * FINISH_WAIT_MS even on a slow link, and each chunk costs a round trip.
 */
import type { RegistryType } from "../options/registry-type.ts";

const MiB = 1024 * 1024;

/**
 * Blobs above this go in chunks. Below it a blob goes in one PUT (one
 * round trip, as before; every layer of the bench's image sets), and a
 * Ctrl-C or a dropped link costs at most this much sent again.
 */
export const CHUNKED_ABOVE = 64 * MiB;

/** How long the current chunk may take to finish after the first Ctrl-C; a second Ctrl-C stops it at once. */
export const FINISH_WAIT_MS = 20_000;

/** The first chunk, before the link's rate is known: it finishes within FINISH_WAIT_MS down to ~0.4 MB/s. */
export const FIRST_CHUNK = 8 * MiB;

/**
 * Later chunks carry what the link moved in this many seconds: a quarter
 * of FINISH_WAIT_MS, so a chunk still finishes in time on a link that
 * slows down fourfold.
 */
export const CHUNK_SECONDS = 5;

/** S3-backed registries refuse parts below S3's multipart minimum of 5 MiB (all but the last). */
export const MIN_CHUNK = 5 * MiB;

/**
 * Some reverse proxies in front of registries refuse bodies over 100 MB;
 * and a round trip per 64 MiB costs ~4 % at 100 MB/s over a 30 ms link.
 */
export const MAX_CHUNK = 64 * MiB;

/**
 * Registries that take only whole-blob uploads keep them:
 * - Artifact Registry (and GCR, served by Artifact Registry): "GAR's
 *   monolithic-only uploads"; its Docker API documentation says chunked
 *   uploads are not supported.
 * - ECR answers a chunk's PATCH with 201 and a Range that stops advancing
 *   (aws/containers-roadmap#2831), and a chunk sent again with
 *   BLOB_UPLOAD_INVALID (go-containerregistry#431). chunk-steps.ts copes
 *   with all three when ECR is not recognised, but one PUT spares them.
 * Registries that refuse chunks without being named here are found out at
 * the first chunk, and the rest of the run goes whole (chunk-limits.ts).
 */
const WHOLE_BLOBS_ONLY: ReadonlySet<RegistryType> = new Set(["gcr", "artifact-registry", "ecr"]);

/**
 * Whether `blob` goes up in chunks to a registry of `registryType`. A
 * docker-archive layer gzipped on the way (`uploadAsStored` false) cannot
 * continue in a later run: its bytes exist only as they are made and its
 * digest is known only at their end, so it keeps its single streamed PATCH.
 */
export function uploadsInChunks(
  blob: { readonly size: number; readonly uploadAsStored: boolean },
  registryType: RegistryType,
): boolean {
  return blob.uploadAsStored && blob.size > CHUNKED_ABOVE && !WHOLE_BLOBS_ONLY.has(registryType);
}

/**
 * The length of the next chunk when `remaining` bytes are left and the
 * last chunk went at `bytesPerSecond` (undefined before the first), in
 * whole MiB so that lines saying "the current 16 MiB chunk" are exact.
 */
export function nextChunkLength(remaining: number, bytesPerSecond?: number): number {
  const wanted = bytesPerSecond === undefined ? FIRST_CHUNK : Math.floor((bytesPerSecond * CHUNK_SECONDS) / MiB) * MiB;
  return Math.min(remaining, Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, wanted)));
}

/**
 * The bytes a registry holds of an upload, from its `Range: 0-<last>`
 * header; undefined when there is none or it says something else.
 * distribution writes `0-0` for an empty upload (and for one of one byte:
 * never ours, whose sessions hold whole chunks).
 */
export function offsetFromRange(range: string | string[] | undefined): number | undefined {
  const match = typeof range === "string" ? /^(?:bytes=)?0-(\d+)$/.exec(range.trim()) : null;
  if (!match) return undefined;
  const last = Number(match[1]);
  return last === 0 ? 0 : last + 1;
}

/** "98 MiB", for lines about chunks and offsets. */
export function mebibytes(bytes: number): string {
  return `${Math.round(bytes / MiB)} MiB`;
}
