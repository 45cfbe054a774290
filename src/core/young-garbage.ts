/**
 * Prompt collection of buffers made and dropped at a steady rate. zlib's
 * streams hand out a fresh output buffer for every chunk they inflate, and
 * V8 gives a dead buffer's memory back only when a collection finds it; on
 * its own it lets tens of MB of them pile up first. Measured on
 * --from-archive of a 1 GB random layer (issue 23): a young-generation
 * collection every 4 MiB (about 1 ms each, 0.3 s of CPU per GB) takes about
 * 14 MB off the peak RSS (115 -> 101 MB). The binary starts with --expose-gc
 * (scripts/build.mjs); under plain Node.js or Deno there is no `gc`, and
 * this does nothing.
 * Buffers that live through two young collections (a pipe's chunks held in
 * save's read-ahead, blocks in flight) move to the old generation, whose
 * dead buffers only a whole collection frees: save's peak RSS grew with the
 * layer (1 GiB 75, 2 GiB 100, 4 GiB 96 MiB). One whole collection every
 * 128 MiB (a few ms each on this small heap) keeps it flat: 2 GiB 78 MiB,
 * same time (16.9 s both).
 */

const EVERY = 4 * 1024 * 1024;
const WHOLE_EVERY = 128 * 1024 * 1024;

type Collect = (options: { type: "minor" | "major" }) => void;

let since = 0;
let sinceWhole = 0;

/** Counts `bytes` of buffers just dropped; asks for a young-generation collection every few MiB. */
export function droppedBuffers(bytes: number): void {
  since += bytes;
  if (since < EVERY) return;
  since = 0;
  sinceWhole += EVERY;
  const gc = (globalThis as { gc?: Collect }).gc;
  if (sinceWhole < WHOLE_EVERY) return gc?.({ type: "minor" });
  sinceWhole = 0;
  gc?.({ type: "major" });
}
