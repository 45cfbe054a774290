/**
 * Bytes of one bundle image on their way to the registry, counted as they
 * pass and reported to the \`progress\` hook a few times a second.
 */
import { PassThrough, type Readable } from "node:stream";
import type { Job, RunnerHooks } from "../core/hooks.ts";

/** How often an image's byte count is reported to the progress display. */
const PROGRESS_EVERY_MS = 250;

/** Bytes of one image on their way, reported to the `progress` hook a few times a second. */
export class ByteProgress {
  private sent = 0;
  private last = 0;
  /** What the image's uploads wait for with their bodies all sent, each once. */
  private readonly waits = new Set<string>();

  constructor(
    private readonly hooks: RunnerHooks,
    private readonly job: Job,
    /** The image's bytes, each blob counted once. */
    private readonly total: number,
  ) {}

  counter(): Readable & PassThrough {
    const counting = new PassThrough();
    counting.on("data", (chunk: Buffer) => this.add(chunk.length));
    return counting;
  }

  /** An upload body's chunks, counted as undici takes them. */
  async *counted(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      this.add(chunk.length);
      yield chunk;
    }
  }

  add(bytes: number): void {
    this.sent += bytes;
    const now = performance.now();
    if (now - this.last < PROGRESS_EVERY_MS) return;
    this.last = now;
    this.report();
  }

  done(): void {
    this.report();
  }

  /** Says what an upload waits for, until the returned function is called. */
  waiting(what: string): () => void {
    this.waits.add(what);
    this.report();
    return () => {
      this.waits.delete(what);
      this.report();
    };
  }

  private report(): void {
    const bytesSent = Math.max(0, Math.min(this.sent, this.total));
    const waiting = this.waits.size > 0 ? [...this.waits].join("; ") : undefined;
    this.hooks.progress.call(this.job, {
      stage: "pushing",
      attempt: 1,
      bytesSent,
      bytesTotal: this.total,
      ...(waiting ? { waiting } : {}),
    });
  }
}
