/**
 * Writes to files at given offsets without waiting for each write: the
 * bytes are copied into one of a few staging buffers, and a full buffer is
 * written while the next fills. Measured on `save` of a 1 GiB random layer:
 * waiting for each of the 2048 writes of half a MiB left the thread idle
 * for about a second, during which nothing was hashed or compressed. The
 * copy costs a few hundredths of a second per GiB, and lets the caller
 * reuse its buffer at once.
 */
import type { FileHandle } from "node:fs/promises";

const BUFFER_BYTES = 1024 * 1024;
/** Buffers at most: one filling, the rest being written. */
const DEPTH = 4;

interface Staged {
  readonly handle: FileHandle;
  readonly buffer: Buffer;
  readonly offset: number;
  length: number;
}

export class WriteBehind {
  private staged?: Staged;
  private readonly free: Buffer[] = [];
  private readonly inFlight: Array<Promise<void>> = [];
  private allocated = 0;
  private failed?: { error: unknown };

  /** Writes `data` at `offset` of `handle`, in order with what came before; a failed write is thrown by a later call. */
  async write(handle: FileHandle, data: Buffer, offset: number): Promise<void> {
    this.throwIfFailed();
    for (let at = 0; at < data.length;) {
      const staged = this.staged;
      if (!staged || staged.handle !== handle || staged.offset + staged.length !== offset + at) {
        this.flush();
        this.staged = { handle, buffer: await this.freeBuffer(), offset: offset + at, length: 0 };
        continue;
      }
      const copied = data.copy(staged.buffer, staged.length, at);
      staged.length += copied;
      at += copied;
      if (staged.length === staged.buffer.length) this.flush();
    }
  }

  /** Waits until everything given is in the files; throws the first write's failure. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.all(this.inFlight.splice(0));
    this.throwIfFailed();
  }

  private flush(): void {
    const staged = this.staged;
    this.staged = undefined;
    if (!staged) return;
    if (staged.length === 0) {
      this.free.push(staged.buffer);
      return;
    }
    const written = writeAll(staged).then(
      () => void this.free.push(staged.buffer),
      (error: unknown) => {
        this.failed ??= { error };
        this.free.push(staged.buffer);
      },
    );
    this.inFlight.push(written);
  }

  private async freeBuffer(): Promise<Buffer> {
    while (this.free.length === 0 && this.allocated >= DEPTH) {
      const oldest = this.inFlight.shift();
      if (!oldest) break;
      await oldest;
    }
    this.throwIfFailed();
    const buffer = this.free.pop();
    if (buffer) return buffer;
    this.allocated++;
    return Buffer.allocUnsafeSlow(BUFFER_BYTES);
  }

  private throwIfFailed(): void {
    if (this.failed) throw this.failed.error;
  }
}

async function writeAll(staged: Staged): Promise<void> {
  for (let at = 0; at < staged.length;)
    at += (await staged.handle.write(staged.buffer, at, staged.length - at, staged.offset + at)).bytesWritten;
}
