/**
 * Writes a tar front to back into one file, or into numbered parts of at
 * most `splitBytes` each (`save --split`): the parts are plain byte slices
 * of one tar, so `cat FILE.* > FILE` gives the single file back.
 *
 * A streamed entry (a layer gzipped on its way from the container tool)
 * has no size and no name until its end: its header's 512 bytes are held
 * free and written last, in whichever part they fell. Each part's sha256
 * is taken on the way: bytes with every header before them in place are
 * hashed as they are written, and a streamed entry is read back from the
 * file once its header is in (from the page cache), so the sums are of the
 * bytes on disk.
 */
import { createHash, type Hash } from "node:crypto";
import { open, rm, truncate, type FileHandle } from "node:fs/promises";
import { BLOCK, fileHeader, padding } from "./tar-header.ts";
import { filePieces } from "./file-pieces.ts";
import { WriteBehind } from "./write-behind.ts";

interface WrittenPart {
  readonly file: string;
  readonly start: number;
  readonly hash: Hash;
}

const COPY_BYTES = 1024 * 1024;

export class TarWriter {
  private handle?: FileHandle;
  private readonly parts: WrittenPart[] = [];
  /** Bytes written to the tar so far, over every part. */
  private position = 0;
  /** Bytes hashed into their part's sum; behind `position` while a streamed entry's header is held. */
  private hashed = 0;
  private held = false;
  private readonly mtime = Math.floor(Date.now() / 1000);
  // Fresh 1 MiB buffers per read are collected late and add up to tens of MB on a large layer.
  private readonly copyBuffers: [Buffer, Buffer] = [Buffer.allocUnsafeSlow(COPY_BYTES), Buffer.allocUnsafeSlow(COPY_BYTES)];
  private writes = new WriteBehind();

  /** `fileFor(i)` names part i (the only file, i = 0, when not split). */
  constructor(
    private readonly fileFor: (index: number) => string,
    private readonly splitBytes?: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** The files written so far, in order. */
  get files(): readonly string[] {
    return this.parts.map((part) => part.file);
  }

  /** Each file's size and sha256 (hex), once `finish` is done. */
  sums(): Array<{ size: number; sha256: string }> {
    return this.parts.map((part, index) => ({
      size: (this.parts[index + 1]?.start ?? this.position) - part.start,
      sha256: part.hash.digest("hex"),
    }));
  }

  async addBuffer(path: string, data: Buffer): Promise<void> {
    await this.write(fileHeader(path, data.length, this.mtime));
    await this.write(data);
    await this.write(Buffer.alloc(padding(data.length)));
  }

  /**
   * Writes `source` in as it comes, its size unknown until it ends; then
   * `pathOf()` names the entry (a blob is named by the digest of what
   * came), and its header goes in its place. When `pathOf()` gives no name
   * (a blob already in), the entry is taken back out.
   */
  async addStream(source: AsyncIterable<Buffer>, pathOf: () => string | undefined): Promise<void> {
    const start = this.position;
    this.held = true;
    await this.write(Buffer.alloc(BLOCK));
    for await (const piece of source) {
      this.signal?.throwIfAborted();
      await this.write(piece);
    }
    const size = this.position - start - BLOCK;
    const path = pathOf();
    if (path === undefined) await this.rewind(start);
    else {
      await this.write(Buffer.alloc(padding(size)));
      await this.writeAt(start, fileHeader(path, size, this.mtime));
      await this.catchUp();
    }
    this.held = false;
  }

  /** The end-of-archive blocks; closes the last file. */
  async finish(): Promise<void> {
    await this.write(Buffer.alloc(2 * BLOCK));
    await this.writes.drain();
    await this.close();
  }

  /** Removes everything written, to write the tar anew from its start. */
  async restart(): Promise<void> {
    await this.close();
    for (const part of this.parts.splice(0)) await rm(part.file, { force: true });
    this.position = 0;
    this.hashed = 0;
    this.held = false;
    this.writes = new WriteBehind();
  }

  /** Closes whatever is open (also after a failure). */
  async close(): Promise<void> {
    // A write that failed is thrown where the tar is finished; here, only nothing may be left in flight.
    await this.writes.drain().catch(() => undefined);
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private async write(data: Buffer): Promise<void> {
    for (let rest = data; rest.length > 0;) {
      const part = await this.partForWriting();
      const inPart = this.position - part.start;
      const room = this.splitBytes === undefined ? rest.length : Math.min(rest.length, this.splitBytes - inPart);
      const slice = rest.subarray(0, room);
      await this.writes.write(this.handle as FileHandle, slice, inPart);
      if (!this.held) part.hash.update(slice);
      this.position += room;
      rest = rest.subarray(room);
    }
    if (!this.held) this.hashed = this.position;
  }

  private async partForWriting(): Promise<WrittenPart> {
    const last = this.parts.at(-1);
    if (last && this.handle && (this.splitBytes === undefined || this.position - last.start < this.splitBytes)) return last;
    await this.close();
    const file = this.fileFor(this.parts.length);
    // A new file only: a name that is already there (a planted symlink) is not written through.
    this.handle = await open(file, "wx+");
    const part = { file, start: this.position, hash: createHash("sha256") };
    this.parts.push(part);
    return part;
  }

  /** Takes the tar back to `position`, where the hashing stands (an entry not kept): parts begun since go, the last is cut. */
  private async rewind(position: number): Promise<void> {
    await this.writes.drain();
    await this.close();
    let keep = this.parts.length - 1;
    while (keep > 0 && (this.parts[keep] as WrittenPart).start >= position) keep--;
    for (const part of this.parts.splice(keep + 1)) await rm(part.file, { force: true });
    const last = this.parts[keep] as WrittenPart;
    await truncate(last.file, position - last.start);
    this.handle = await open(last.file, "r+");
    this.position = position;
  }

  /** Writes `data` at `position` of the tar, in whichever part(s) it falls. */
  private async writeAt(position: number, data: Buffer): Promise<void> {
    await this.writes.drain();
    for (const [part, from, count, offset] of this.pieces(position, data.length))
      await this.withHandle(part, "r+", (handle) => handle.write(data, offset, count, from));
  }

  /** Hashes what was written since the held header, read back from the files (the next piece read while one is hashed). */
  private async catchUp(): Promise<void> {
    await this.writes.drain();
    for (const [part, from, count] of this.pieces(this.hashed, this.position - this.hashed)) {
      const short = () => new Error(`${part.file} is shorter than what was written to it`);
      await this.withHandle(part, "r", async (handle) => {
        for await (const piece of filePieces(handle, from, count, this.copyBuffers, short)) {
          this.signal?.throwIfAborted();
          part.hash.update(piece);
        }
      });
    }
    this.hashed = this.position;
  }

  /** The open handle of the part being written, or the part opened anew for this. */
  private async withHandle<T>(part: WrittenPart, flags: string, use: (handle: FileHandle) => Promise<T>): Promise<T> {
    if (part === this.parts.at(-1) && this.handle) return use(this.handle);
    const handle = await open(part.file, flags);
    try {
      return await use(handle);
    } finally {
      await handle.close();
    }
  }

  /** [part, offset in it, byte count, offset in the range] for each part the range touches. */
  private *pieces(position: number, length: number): Generator<[WrittenPart, number, number, number]> {
    for (const [index, part] of this.parts.entries()) {
      const end = this.parts[index + 1]?.start ?? this.position;
      const from = Math.max(position, part.start);
      const to = Math.min(position + length, end);
      if (to > from) yield [part, from - part.start, to - from, from - position];
    }
  }
}
