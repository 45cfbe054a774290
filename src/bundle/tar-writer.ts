/**
 * Writes a tar front to back into one file, or into numbered parts of at
 * most `splitBytes` each (`save --split`): the parts are plain byte slices
 * of one tar, so `cat FILE.* > FILE` gives the single file back.
 */
import { open, type FileHandle } from "node:fs/promises";
import { BLOCK, fileHeader, padding } from "./tar-header.ts";

export class TarWriter {
  private handle?: FileHandle;
  private partBytes = 0;
  private readonly written: string[] = [];
  private readonly mtime = Math.floor(Date.now() / 1000);
  // Fresh 1 MiB chunks per read are collected late and add up to tens of MB on a large layer.
  private readonly copyBuffer = Buffer.allocUnsafeSlow(1024 * 1024);

  /** `fileFor(i)` names part i (the only file, i = 0, when not split). */
  constructor(
    private readonly fileFor: (index: number) => string,
    private readonly splitBytes?: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** The files written so far, in order. */
  get files(): readonly string[] {
    return this.written;
  }

  async addBuffer(path: string, data: Buffer): Promise<void> {
    await this.write(fileHeader(path, data.length, this.mtime));
    await this.write(data);
    await this.write(Buffer.alloc(padding(data.length)));
  }

  /** Copies `file` (of `size` bytes) in as `path`, through one buffer reused for every chunk: never whole in memory. */
  async addFile(path: string, file: string, size: number): Promise<void> {
    await this.write(fileHeader(path, size, this.mtime));
    const source = await open(file, "r");
    let copied = 0;
    try {
      for (;;) {
        this.signal?.throwIfAborted();
        const { bytesRead } = await source.read(this.copyBuffer, 0, this.copyBuffer.length, null);
        if (bytesRead === 0) break;
        await this.write(this.copyBuffer.subarray(0, bytesRead));
        copied += bytesRead;
      }
    } finally {
      await source.close();
    }
    if (copied !== size) throw new Error(`${file} changed while it was copied into the bundle (${copied} bytes, not ${size})`);
    await this.write(Buffer.alloc(padding(size)));
  }

  /** The end-of-archive blocks; closes the last file. */
  async finish(): Promise<void> {
    await this.write(Buffer.alloc(2 * BLOCK));
    await this.close();
  }

  /** Closes whatever is open (also after a failure). */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private async write(data: Buffer): Promise<void> {
    let rest = data;
    while (rest.length > 0) {
      if (!this.handle || (this.splitBytes !== undefined && this.partBytes >= this.splitBytes)) await this.nextPart();
      const room = this.splitBytes === undefined ? rest.length : Math.min(rest.length, this.splitBytes - this.partBytes);
      const handle = this.handle as FileHandle;
      await handle.write(rest, 0, room);
      this.partBytes += room;
      rest = rest.subarray(room);
    }
  }

  private async nextPart(): Promise<void> {
    await this.close();
    const file = this.fileFor(this.written.length);
    // A new file only: a name that is already there (a planted symlink) is not written through.
    this.handle = await open(file, "wx");
    this.written.push(file);
    this.partBytes = 0;
  }
}
