/**
 * Reads a tar as it arrives through a pipe (the container tool's `save`),
 * front to back, one entry after the other: each entry's header (pax and
 * GNU long names resolved), then its bytes as they come, never the whole of
 * a layer in memory. An archive that ends before its end-of-archive blocks,
 * or inside an entry, is reported as cut short.
 */
import { droppedBuffers } from "../core/young-garbage.ts";
import { BLOCK, padding, parseHeader, parsePax, type TarHeader } from "./tar-header.ts";

/** An entry of the tar; `body` must be read to its end (or left) before the next entry is asked for. */
export interface StreamedEntry {
  readonly header: TarHeader;
  readonly body: AsyncGenerator<Buffer>;
}

/** Thrown when the stream is not a whole tar; `message` says how. */
export class TarStreamError extends Error {}

export async function* readTarStream(source: AsyncIterable<Buffer>): AsyncGenerator<StreamedEntry> {
  const bytes = new ByteQueue(source[Symbol.asyncIterator]());
  let long: { path?: string; linkPath?: string } = {};
  let pax: ReturnType<typeof parsePax> = {};
  for (;;) {
    const block = await bytes.exactly(BLOCK, "a tar header");
    let header: TarHeader | undefined;
    try {
      header = parseHeader(block);
    } catch (error) {
      throw new TarStreamError((error as Error).message);
    }
    if (!header) return;
    if (header.kind === "pax" || header.kind === "global-pax" || header.kind === "long-name" || header.kind === "long-link") {
      const data = await bytes.exactly(header.size + padding(header.size), `the extended header of ${header.path}`);
      const text = data.toString("utf8", 0, header.size).replace(/\0+$/, "");
      if (header.kind === "pax") pax = parsePax(data.subarray(0, header.size));
      if (header.kind === "long-name") long = { ...long, path: text };
      if (header.kind === "long-link") long = { ...long, linkPath: text };
      continue;
    }
    const entry: TarHeader = {
      ...header,
      path: pax.path ?? long.path ?? header.path,
      size: pax.size ?? header.size,
      linkPath: pax.linkPath ?? long.linkPath ?? header.linkPath,
    };
    pax = {};
    long = {};
    const body = bytes.body(entry.size, entry.path);
    yield { header: entry, body };
    // What the reader left of the entry is skipped, with its padding.
    for await (const _ of body);
    await bytes.exactly(padding(entry.size), `the padding of ${entry.path}`);
  }
}

/** The pipe's chunks as a queue of bytes: whole blocks on demand, or an entry's bytes as they arrive. */
class ByteQueue {
  private chunk: Buffer = Buffer.alloc(0);

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  async exactly(length: number, what: string): Promise<Buffer> {
    if (this.chunk.length >= length) return this.cut(length);
    const pieces = [this.cut(this.chunk.length)];
    let have = pieces[0]?.length ?? 0;
    while (have < length) {
      await this.refill(what);
      const piece = this.cut(Math.min(length - have, this.chunk.length));
      pieces.push(piece);
      have += piece.length;
    }
    return Buffer.concat(pieces, length);
  }

  async *body(size: number, path: string): AsyncGenerator<Buffer> {
    for (let left = size; left > 0;) {
      if (this.chunk.length === 0) await this.refill(`${path} (${size - left} of its ${size} bytes came)`);
      const piece = this.cut(Math.min(left, this.chunk.length));
      left -= piece.length;
      yield piece;
    }
  }

  private cut(length: number): Buffer {
    const piece = this.chunk.subarray(0, length);
    this.chunk = this.chunk.subarray(length);
    return piece;
  }

  private async refill(what: string): Promise<void> {
    const next = await this.source.next();
    if (next.done) throw new TarStreamError(`it ends inside ${what}`);
    // The pipe hands out a fresh buffer per read: the one before is done with.
    droppedBuffers(next.value.length);
    this.chunk = next.value;
  }
}
