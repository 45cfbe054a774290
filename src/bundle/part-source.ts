/**
 * The bytes of a bundle as one range, whether it is one file or split parts
 * FILE.000, FILE.001, ...: read at a position,
 * crossing part boundaries as if the parts were one file.
 */
import { open, type FileHandle } from "node:fs/promises";

/** One file of the bundle and where it starts in the whole. */
export interface Part {
  readonly file: string;
  readonly start: number;
  readonly size: number;
}

export class PartSource {
  readonly size: number;
  private readonly handles = new Map<number, Promise<FileHandle>>();

  constructor(readonly parts: readonly Part[]) {
    const last = parts.at(-1);
    this.size = last ? last.start + last.size : 0;
  }

  /** Lays files of the given sizes end to end. */
  static of(files: ReadonlyArray<{ file: string; size: number }>): PartSource {
    let start = 0;
    return new PartSource(files.map(({ file, size }) => ({ file, start: (start += size) - size, size })));
  }

  /**
   * Up to `length` bytes from `position`; fewer only at the end of the last
   * part. With `into`, the bytes land in that buffer (reused across reads
   * that hash and forget: a fresh 4 MiB buffer a read lets RSS climb far
   * ahead of the garbage collector on a bundle of gigabytes).
   */
  async read(position: number, length: number, into?: Buffer): Promise<Buffer> {
    const wanted = Math.max(0, Math.min(length, this.size - position));
    const buffer = into && into.length >= wanted ? into.subarray(0, wanted) : Buffer.alloc(wanted);
    let filled = 0;
    for (const [index, part, from, count] of this.pieces(position, buffer.length)) {
      const handle = await this.handle(index, part.file);
      const { bytesRead } = await handle.read(buffer, filled, count, from);
      // A part that shrank since it was measured is as good as cut short.
      if (bytesRead !== count) return buffer.subarray(0, filled + bytesRead);
      filled += count;
    }
    return buffer;
  }

  /** The part that holds `position`. */
  partAt(position: number): Part | undefined {
    return this.parts.find((part) => position >= part.start && position < part.start + part.size) ?? this.parts.at(-1);
  }

  async close(): Promise<void> {
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(handles.map(async (handle) => (await handle).close()));
  }

  /** [part index, part, offset in that part, byte count] for each part the range touches. */
  private *pieces(position: number, length: number): Generator<[number, Part, number, number]> {
    let at = position;
    let left = length;
    for (const [index, part] of this.parts.entries()) {
      if (left <= 0) return;
      const end = part.start + part.size;
      if (at >= end) continue;
      const count = Math.min(left, end - at);
      yield [index, part, at - part.start, count];
      at += count;
      left -= count;
    }
  }

  private handle(index: number, file: string): Promise<FileHandle> {
    let handle = this.handles.get(index);
    if (!handle) this.handles.set(index, (handle = open(file, "r")));
    return handle;
  }
}
