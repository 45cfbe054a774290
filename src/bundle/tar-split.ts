/**
 * A layer tar rebuilt byte for byte from podman's storage, as podman itself
 * rebuilds it for `podman save` and `podman push`: containers/storage keeps
 * each layer unpacked (its diff directory) and, beside it, the tar's
 * "tar-split" (`<layer>.tar-split.gz`): gzipped JSON lines, in tar order,
 * each either a segment of the tar's own bytes (headers, padding, the end
 * blocks; type 2, base64) or a file whose content is the file of that name
 * in the diff directory (type 1). Concatenated, they are the layer tar
 * whose sha256 is the layer's diff_id, which the caller checks.
 *
 * Small files are read with one blocking call each: a layer of libraries
 * holds thousands, and an asynchronous open, read and close per file cost
 * more than the reads. Large ones are read ahead, one piece being read
 * while the one before is used.
 */
import { closeSync, constants, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { filePieces } from "./file-pieces.ts";

/** Files up to this size are read whole, in one blocking call. */
const SMALL_FILE = 256 * 1024;
/** The piece of a large file read at once. */
const PIECE = 1024 * 1024;

/** The layer can not be read from the storage as it stands (a file gone, unreadable, or of another size). */
export class StorageReadError extends Error {}

interface TarSplitEntry {
  readonly type?: number;
  readonly name?: string;
  readonly name_raw?: string;
  readonly size?: number;
  readonly payload?: string;
}

/**
 * The layer tar, piece by piece. A piece is valid until the next one is
 * asked for: the read-ahead buffers are reused.
 */
export async function* layerFromTarSplit(tarSplitFile: string, diffDir: string): AsyncGenerator<Buffer> {
  const buffers: [Buffer, Buffer] = [Buffer.allocUnsafeSlow(PIECE), Buffer.allocUnsafeSlow(PIECE)];
  const small = Buffer.allocUnsafeSlow(SMALL_FILE);
  // pipeline, not pipe: a tar-split that can not be read or inflated fails the lines, and is not left unhandled.
  const input = pipeline(createReadStream(tarSplitFile), createGunzip(), () => undefined);
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (line.length === 0) continue;
      const entry = JSON.parse(line) as TarSplitEntry;
      if (entry.type === 2) {
        yield Buffer.from(entry.payload ?? "", "base64");
        continue;
      }
      const size = entry.size ?? 0;
      // Directories, links, devices and whiteouts have no content in the tar.
      if (entry.type !== 1 || size === 0) continue;
      const file = payloadPath(diffDir, entry);
      if (size <= SMALL_FILE) yield readSmall(file, size, small);
      else yield* readLarge(file, size, buffers);
    }
  } catch (error) {
    // Everything here reads the storage: whatever failed (the tar-split's gzip or JSON too) is a storage that can not be read so.
    throw error instanceof StorageReadError ? error : new StorageReadError(`${tarSplitFile}: ${(error as Error).message}`);
  }
}

/**
 * Where the file's content lies; a name that is not UTF-8 (`name_raw`) is
 * kept as bytes. A name that would climb out of the layer is refused.
 */
function payloadPath(diffDir: string, entry: TarSplitEntry): string | Buffer {
  const name = entry.name_raw === undefined ? Buffer.from(entry.name ?? "") : Buffer.from(entry.name_raw, "base64");
  const parts = name.toString("latin1").split("/");
  if (parts.includes("..")) throw new StorageReadError(`the layer names a file outside it: ${name.toString("latin1")}`);
  const path = Buffer.concat([Buffer.from(`${diffDir}/`), name]);
  return entry.name_raw === undefined ? path.toString() : path;
}

function readSmall(file: string | Buffer, size: number, into: Buffer): Buffer {
  const descriptor = openFile(file);
  try {
    let have = 0;
    while (have < size) {
      const read = readSync(descriptor, into, have, size - have, have);
      if (read === 0) throw shorter(file, have, size);
      have += read;
    }
    return into.subarray(0, size);
  } finally {
    closeSync(descriptor);
  }
}

async function* readLarge(file: string | Buffer, size: number, buffers: readonly [Buffer, Buffer]): AsyncGenerator<Buffer> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: unknown) => {
    throw unreadable(file, error);
  });
  try {
    yield* filePieces(handle, 0, size, buffers, (at) => shorter(file, at, size));
  } finally {
    await handle.close();
  }
}

function openFile(file: string | Buffer): number {
  try {
    return openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    throw unreadable(file, error);
  }
}

function shorter(file: string | Buffer, at: number, size: number): StorageReadError {
  return new StorageReadError(`${file} is shorter than its layer says (${at} of ${size} bytes)`);
}

function unreadable(file: string | Buffer, error: unknown): StorageReadError {
  return new StorageReadError(`${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
}
