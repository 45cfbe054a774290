/**
 * A range of an open file, read in pieces with the next piece read while
 * the caller uses the one before: two buffers take turns, so a piece is
 * valid until the next one is asked for. save reads layers from podman's
 * storage this way (tar-split.ts), and the bundle back for its sums
 * (tar-writer.ts).
 */
import type { FileHandle } from "node:fs/promises";

/** `count` bytes of `handle` from `from`, in pieces of the buffers' size; `short(at)` is thrown where the file ends first. */
export async function* filePieces(
  handle: FileHandle,
  from: number,
  count: number,
  buffers: readonly [Buffer, Buffer],
  short: (at: number) => Error,
): AsyncGenerator<Buffer> {
  const readPiece = async (done: number, into: Buffer) => {
    const want = Math.min(into.length, count - done);
    for (let have = 0; have < want;) {
      const { bytesRead } = await handle.read(into, have, want - have, from + done + have);
      if (bytesRead === 0) throw short(done + have);
      have += bytesRead;
    }
    return into.subarray(0, want);
  };
  let turn = 0;
  let next = count > 0 ? readPiece(0, buffers[0]) : undefined;
  try {
    for (let done = 0; next;) {
      const piece = await next;
      done += piece.length;
      turn ^= 1;
      // The other buffer is free: its piece was used before this one was asked for.
      next = done < count ? readPiece(done, buffers[turn] as Buffer) : undefined;
      yield piece;
    }
  } finally {
    // A consumer that stopped early leaves a read in flight: it ends before the caller closes the file.
    await next?.catch(() => undefined);
  }
}
