/**
 * The check of one blob of a bundle that --from-archive makes while the
 * blob goes to the registry, not in a read of the whole bundle before the
 * first request: its bytes hashed against its digest and, for a gzip
 * layer, inflated beside the read (on libuv's thread pool) and hashed
 * against its config's diff_id. Whatever reads the blob for an upload
 * hands its bytes here in passing; bytes no upload read (a continued
 * session's start, a blob the registry already had) are read here when
 * the whole is asked for. The stream that reaches a blob's end waits for
 * the verdict before it gives its last bytes, so a damaged blob is never
 * complete at the registry, and the manifest that names it is never sent
 * (src/registry/bundle-push.ts asks for every blob's verdict first).
 */
import { createHash } from "node:crypto";
import { PushImagesError } from "../core/errors.ts";
import { compressionOf, LayerDigester, type LayerDigest } from "./layer-digest.ts";

/** What the blob's bytes turned out to be: their digest, and what a gzip layer unpacks to. */
export interface BlobRead {
  readonly digest: string;
  readonly plain?: LayerDigest;
}

/** The error that says how the blob differs from what the bundle says of it; undefined when it does not. */
export type Judge = (read: BlobRead) => PushImagesError | undefined;

/** Reads `length` bytes of the blob from `start` into `into`. */
export type ReadAt = (start: number, length: number, into: Buffer) => Promise<Buffer>;

const CATCH_UP_CHUNK = 1024 * 1024;

export class BlobCheck {
  private position = 0;
  private readonly hash = createHash("sha256");
  private inflating?: LayerDigester;
  /** Bytes are hashed in the blob's order: each take waits for the one before. */
  private order: Promise<unknown> = Promise.resolve();
  private verdict?: Promise<void>;

  /** One per image that names the blob: two configs may say different things of one layer. */
  private readonly judges: Array<(read: BlobRead) => ReturnType<Judge> | Promise<ReturnType<Judge>>> = [];

  constructor(
    private readonly size: number,
    /** Whether the blob is inflated to learn its diff_id (a gzip layer). */
    private inflate: boolean,
    private readonly readAt: ReadAt,
  ) {}

  /** Adds what another image says of the blob; before any byte is read. */
  judgedBy(judge: (read: BlobRead) => ReturnType<Judge> | Promise<ReturnType<Judge>>, inflate: boolean): this {
    this.judges.push(judge);
    this.inflate ||= inflate;
    return this;
  }

  /**
   * The blob's bytes from `start`, as an upload reads them: those not hashed
   * yet are (a gap before them read here first). Resolves once `bytes` may
   * be read into again (zlib is done with them).
   */
  take(start: number, bytes: Buffer): Promise<void> {
    // Hashing waits for the take before; zlib works on these bytes while the next are read and hashed.
    const hashed = this.order.then(() => this.hashFrom(start, bytes));
    this.order = hashed.catch(() => undefined);
    return hashed.then(({ released }) => released);
  }

  /** Resolves once every byte is checked (read here if no upload read it); rejects with what is wrong. */
  whole(): Promise<void> {
    this.verdict ??= this.order.then(async () => {
      if (this.position < this.size) await this.catchUp(this.size);
      const read = { digest: `sha256:${this.hash.digest("hex")}`, plain: await this.inflating?.digest() };
      for (const judge of this.judges) {
        const error = await judge(read);
        if (error) throw error;
      }
    });
    return this.verdict;
  }

  /** Hashes the part of `bytes` past what was hashed; `released` once zlib has taken them. */
  private async hashFrom(start: number, bytes: Buffer): Promise<{ released: Promise<void> }> {
    if (start > this.position) await this.catchUp(start);
    const seen = this.position - start;
    // Sent again (a retried chunk), or past a bundle cut short: nothing new to hash.
    if (seen < 0 || seen >= bytes.length) return { released: Promise.resolve() };
    return { released: this.add(seen > 0 ? bytes.subarray(seen) : bytes) };
  }

  private add(bytes: Buffer): Promise<void> {
    const compression = this.position === 0 && this.inflate ? compressionOf(bytes) : undefined;
    if (compression) this.inflating = new LayerDigester(compression);
    this.hash.update(bytes);
    this.position += bytes.length;
    return this.inflating?.write(bytes) ?? Promise.resolve();
  }

  /** Reads and hashes the blob here up to `end`: two buffers take turns while zlib works on one. */
  private async catchUp(end: number): Promise<void> {
    const buffers = [Buffer.allocUnsafe(CATCH_UP_CHUNK), Buffer.allocUnsafe(CATCH_UP_CHUNK)];
    const released: Array<Promise<void>> = [Promise.resolve(), Promise.resolve()];
    for (let turn = 0; this.position < end; turn = 1 - turn) {
      await released[turn];
      const length = Math.min(CATCH_UP_CHUNK, end - this.position);
      const chunk = await this.readAt(this.position, length, buffers[turn] as Buffer);
      // A bundle cut short since it was opened: what is there is judged.
      if (chunk.length === 0) break;
      released[turn] = this.add(chunk);
    }
    await Promise.all(released);
  }
}

/** Whether `error` says the bundle is not what it says (a blob's check failed): no retry reads it better. */
export function bundleInvalid(error: unknown): error is PushImagesError {
  return error instanceof PushImagesError && error.code === "ARCHIVE_INVALID";
}
