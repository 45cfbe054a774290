/**
 * Reads a pipe ahead of its consumer, up to a bound. The container tool
 * writing its archive waits whenever the pipe (64 KiB) is full; the reader
 * here stops reading for a moment at every block it hands to zlib and every
 * write to the bundle, so without a reserve between them each side would
 * wait for the other and the save would take the sum of both, not the
 * longer.
 */
import type { Readable } from "node:stream";

/**
 * Bytes held ahead at most: four of block-gzip's blocks. 8 MiB was no
 * faster on 2 cores, and 30 MB larger (the pipe's buffers are collected late).
 */
const AHEAD_BYTES = 2 * 1024 * 1024;

export async function* readAhead(stream: Readable, limit = AHEAD_BYTES): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let held = 0;
  let ended = false;
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  stream.on("data", (chunk: Buffer) => {
    queue.push(chunk);
    held += chunk.length;
    if (held >= limit) stream.pause();
    signal();
  });
  stream.once("end", () => {
    ended = true;
    signal();
  });
  stream.once("error", (error) => {
    failed = error;
    signal();
  });
  stream.once("close", () => {
    ended = true;
    signal();
  });
  for (;;) {
    const chunk = queue.shift();
    if (chunk) {
      held -= chunk.length;
      if (held < limit / 2 && stream.isPaused()) stream.resume();
      yield chunk;
      continue;
    }
    if (failed) throw failed;
    if (ended) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}
