/**
 * Walks a tar (one file or split parts) once, front to back, and records
 * where each member's bytes start, so a blob can be streamed from its place
 * later without extracting anything. When asked, every byte is read and
 * hashed on the way: each member's sha256 and each part's, in the same
 * single read (save checking what it wrote). Without hashing, members'
 * data are skipped: --from-archive checks each blob as it reads it for its
 * upload (src/bundle/blob-check.ts).
 */
import { createHash, type Hash } from "node:crypto";
import { posix } from "node:path";
import type { PartSource } from "./part-source.ts";
import { LayerDigester, startsGzip, type LayerDigest } from "./layer-digest.ts";
import { BLOCK, padding, parseHeader, parsePax, type TarHeader } from "./tar-header.ts";

/** One member: a file's data range (and sha256, when hashed) or a link's target. */
export interface TarEntry {
  readonly path: string;
  readonly kind: "file" | "link";
  /** Where the data start in the whole bundle (the byte after the header). */
  readonly offset: number;
  readonly size: number;
  /** `sha256:<hex>` of the data, when hashed and read whole. */
  readonly digest?: string;
  /** For a gzip member, when hashed: the sha256 of its plain bytes (a layer's diff_id), or why it does not inflate. */
  readonly plain?: LayerDigest;
  /** For a hard or symbolic link: the member it points to, as a normalised path. */
  readonly linkTo?: string;
}

export interface TarIndex {
  readonly entries: ReadonlyMap<string, TarEntry>;
  /** The member the archive ends inside, when it is cut short there. */
  readonly cutIn?: string;
  /** False when the data stop before the end-of-archive blocks. */
  readonly complete: boolean;
  /** Where a block that should be a header is not one (not a tar, or damaged there). */
  readonly badHeaderAt?: number;
  /** Each part's sha256 (hex), when hashed (also when cut short: everything up to the end was read). */
  readonly partSums?: readonly string[];
}

const CHUNK = 4 * 1024 * 1024;
/** Pax and long-name data are names, not blobs: anything larger is not a tar of images. */
const EXTENSION_LIMIT = 1024 * 1024;

export async function indexTar(
  source: PartSource,
  options: { readonly hash: boolean; readonly signal?: AbortSignal },
): Promise<TarIndex> {
  const entries = new Map<string, TarEntry>();
  const sums = options.hash ? new PartSums(source) : undefined;
  // Blob data is hashed and forgotten chunk by chunk: two buffers serve every such read (zlib may still hold one).
  const scratch = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)] as const;
  const read = async (position: number, length: number, into?: Buffer) => {
    options.signal?.throwIfAborted();
    const bytes = await source.read(position, length, into);
    sums?.add(position, bytes);
    return bytes;
  };
  let position = 0;
  let pending: { path?: string; linkPath?: string; size?: number } = {};
  for (;;) {
    const block = await read(position, BLOCK);
    if (block.length < BLOCK)
      return { entries, complete: false, cutIn: block.length > 0 ? "a tar header" : undefined, partSums: sums?.digests() };
    const header = tryParse(block);
    if (header === "bad") {
      // The rest is still hashed: each part's .sha256 then names the part that differs, not the next one the tar breaks in.
      if (sums) await hashRest(read, scratch[0], position + BLOCK, source.size);
      return { entries, complete: false, badHeaderAt: position, partSums: sums?.digests() };
    }
    if (!header) break;
    const size = pending.size ?? header.size;
    const dataStart = position + BLOCK;
    position = dataStart + size + padding(size);
    if (header.kind === "pax" || header.kind === "long-name" || header.kind === "long-link") {
      if (size > EXTENSION_LIMIT) throw new Error(`a tar extension header of ${size} bytes: not a tar of images`);
      const data = await read(dataStart, size + padding(size));
      if (data.length < size) return { entries, complete: false, cutIn: "a tar header", partSums: sums?.digests() };
      pending = { ...pending, ...extension(header, data.subarray(0, size)) };
      continue;
    }
    const path = normalise(pending.path ?? header.path);
    const linkPath = pending.linkPath ?? header.linkPath;
    pending = {};
    if (header.kind === "link" || header.kind === "symlink") {
      const linkTo = normalise(header.kind === "link" ? linkPath : posix.join(posix.dirname(path), linkPath));
      entries.set(path, { path, kind: "link", offset: dataStart, size: 0, linkTo });
    } else if (header.kind === "file") {
      // Unhashed, a member is cut short when the bundle ends before its data do.
      const hashed = options.hash
        ? await hashData(read, scratch, dataStart, size)
        : dataStart + size <= source.size
          ? { digest: "" }
          : undefined;
      if (hashed === undefined) return { entries, complete: false, cutIn: path, partSums: sums?.digests() };
      entries.set(path, { path, kind: "file", offset: dataStart, size, digest: hashed.digest || undefined, plain: hashed.plain });
    }
    if (sums && position > dataStart) {
      // Padding (and the data of directories and the like) count for the part sums too.
      const skipped = header.kind === "file" ? size + padding(size) - size : size + padding(size);
      const from = header.kind === "file" ? dataStart + size : dataStart;
      if ((await read(from, skipped, scratch[0])).length < skipped && header.kind === "file")
        return { entries, complete: false, cutIn: path, partSums: sums?.digests() };
    }
  }
  if (sums) await hashRest(read, scratch[0], position + BLOCK, source.size);
  return { entries, complete: true, partSums: sums?.digests() };
}

/** Reads (and so hashes into the part sums) every byte from `from` to the end. */
async function hashRest(
  read: (position: number, length: number, into: Buffer) => Promise<Buffer>,
  into: Buffer,
  from: number,
  end: number,
) {
  for (let at = from; at < end; at += CHUNK) await read(at, Math.min(CHUNK, end - at), into);
}

/** Follows links (podman's `<id>/layer.tar -> ../<digest>.tar`) to the file member. */
export function resolveEntry(entries: ReadonlyMap<string, TarEntry>, path: string): TarEntry | undefined {
  let entry = entries.get(normalise(path));
  for (let hops = 0; entry?.linkTo !== undefined && hops < 8; hops++) entry = entries.get(entry.linkTo);
  return entry?.kind === "file" ? entry : undefined;
}

function tryParse(block: Buffer): TarHeader | undefined | "bad" {
  try {
    return parseHeader(block);
  } catch {
    return "bad";
  }
}

function normalise(path: string): string {
  return posix
    .normalize(path)
    .replace(/^(\.\/)+/, "")
    .replace(/\/$/, "");
}

function extension(header: TarHeader, data: Buffer): { path?: string; linkPath?: string; size?: number } {
  const text = () => data.toString("utf8").replace(/\0+$/, "");
  if (header.kind === "long-name") return { path: text() };
  if (header.kind === "long-link") return { linkPath: text() };
  return parsePax(data);
}

/**
 * The member's sha256 (and, for a gzip member, its plain bytes' sha256,
 * inflated beside the read), or undefined when the archive ends inside it.
 * The two buffers take turns: one is read into while zlib works on the other.
 */
async function hashData(
  read: (position: number, length: number, into: Buffer) => Promise<Buffer>,
  buffers: readonly [Buffer, Buffer],
  start: number,
  size: number,
): Promise<{ digest: string; plain?: LayerDigest } | undefined> {
  const hash = createHash("sha256");
  const released: Array<Promise<void>> = [Promise.resolve(), Promise.resolve()];
  let inflating: LayerDigester | undefined;
  let turn = 0;
  for (let at = start; at < start + size; turn = 1 - turn) {
    await released[turn];
    const chunk = await read(at, Math.min(CHUNK, start + size - at), buffers[turn] as Buffer);
    if (chunk.length === 0) {
      await inflating?.digest();
      return undefined;
    }
    if (at === start && startsGzip(chunk)) inflating = new LayerDigester();
    hash.update(chunk);
    if (inflating) released[turn] = inflating.write(chunk);
    at += chunk.length;
  }
  return { digest: `sha256:${hash.digest("hex")}`, plain: await inflating?.digest() };
}

/** Each part's sha256, fed by reads that go front to back with no gap. */
class PartSums {
  private readonly hashes: Hash[];
  constructor(private readonly source: PartSource) {
    this.hashes = source.parts.map(() => createHash("sha256"));
  }

  add(position: number, bytes: Buffer): void {
    let at = position;
    let rest = bytes;
    while (rest.length > 0) {
      const part = this.source.partAt(at);
      if (!part) return;
      const count = Math.min(rest.length, part.start + part.size - at);
      this.hashes[this.source.parts.indexOf(part)]?.update(rest.subarray(0, count));
      rest = rest.subarray(count);
      at += count;
      if (count <= 0) return;
    }
  }

  digests(): string[] {
    return this.hashes.map((hash) => hash.digest("hex"));
  }
}
