/**
 * A slow link for the stand-in proxy (stand-in-proxy.ts): request bodies go
 * upstream at a set rate, one budget for all requests as one line carries
 * them, and every body byte handed to the registry is counted. A body can
 * be held mid-way, to catch an upload with a chunk in flight.
 */
import { Transform, type TransformCallback } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

/** Pieces small enough that the pacing is smooth at a few MB/s. */
const PIECE = 64 * 1024;

interface Hold {
  readonly when: (bodyBytes: number) => boolean;
  readonly reached: () => void;
}

export class ThrottledLink {
  /** Request-body bytes handed to the registry so far. */
  forwarded = 0;
  private freeAt = 0;
  private hold?: Hold;
  private release?: () => void;

  constructor(private bytesPerSecond: number) {}

  /** A new rate from now on (Infinity: no limit). */
  setRate(bytesPerSecond: number): void {
    this.bytesPerSecond = bytesPerSecond;
  }

  /**
   * Stops the first body for which `when(bytes of it forwarded so far)`
   * holds, with nothing more of it going upstream until `resume()`.
   * Resolves once a body is held.
   */
  holdBody(when: (bodyBytes: number) => boolean): Promise<void> {
    return new Promise((reached) => (this.hold = { when, reached }));
  }

  resume(): void {
    this.release?.();
    this.release = undefined;
  }

  /** A stream a request body passes through on its way upstream. */
  body(): Transform {
    let bodyBytes = 0;
    const link = this;
    return new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
        const pieces = Array.from({ length: Math.ceil(chunk.length / PIECE) }, (_, i) =>
          chunk.subarray(i * PIECE, (i + 1) * PIECE),
        );
        void (async () => {
          for (const piece of pieces) {
            await link.held(bodyBytes);
            await link.pace(piece.length);
            bodyBytes += piece.length;
            link.forwarded += piece.length;
            this.push(piece);
          }
        })().then(() => callback(), callback);
      },
    });
  }

  private async held(bodyBytes: number): Promise<void> {
    const hold = this.hold;
    if (!hold?.when(bodyBytes)) return;
    this.hold = undefined;
    const released = new Promise<void>((resolve) => (this.release = resolve));
    hold.reached();
    await released;
  }

  /** Waits until the link has room for `bytes` more at its rate. */
  private async pace(bytes: number): Promise<void> {
    if (!Number.isFinite(this.bytesPerSecond)) return;
    const now = performance.now();
    this.freeAt = Math.max(now, this.freeAt) + (bytes / this.bytesPerSecond) * 1000;
    if (this.freeAt > now + 1) await sleep(this.freeAt - now);
  }
}
