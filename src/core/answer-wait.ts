/**
 * How long a push waits for the registry's answer once it has sent all it
 * had. A registry that stores blobs on S3 (distribution, Harbor) or in
 * Artifactory answers the final `PUT ...?digest=` only after it has moved
 * the blob into place: 90-100 s late for a 200 MB layer (moby/moby#53700,
 * goharbor/harbor#17908), about 2 MB/s. That is not a stall: nothing is
 * left to send, and the answer is on its way. So the wait grows with the
 * blob: --stall-timeout plus ANSWER_MS_PER_MIB for each MiB (twice the
 * time those reports saw), at most ANSWER_WAIT_CAP_MS more. A registry
 * that never answers still ends within that bound per attempt.
 */

const MiB = 1024 * 1024;

/** Added for each MiB of the blob: 1 s, twice what S3-backed registries took to place a blob in the reports above. */
export const ANSWER_MS_PER_MIB = 1000;

/** The most added to --stall-timeout: 30 min, a 1.8 GiB blob at the rate above. */
export const ANSWER_WAIT_CAP_MS = 30 * 60 * 1000;

/** Milliseconds to wait for the answer to a request whose `bytes` (the blob's size) are all sent. */
export function answerWaitMs(stallMs: number, bytes: number): number {
  return stallMs + Math.min(ANSWER_WAIT_CAP_MS, Math.ceil(Math.max(0, bytes) / MiB) * ANSWER_MS_PER_MIB);
}

/** "4m11s" or "45s": a wait as a line says it. */
export function waitText(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}
