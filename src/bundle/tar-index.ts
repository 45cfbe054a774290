/**
 * Walks a tar (one file or split parts) once, front to back, and records
 * where each member's bytes start, so a blob can be streamed from its place
 * later without extracting anything. Members' data are skipped:
 * --from-archive checks each blob as it reads it for its upload
 * (src/bundle/blob-check.ts), and save hashes what it writes as it writes
 * it (tar-writer.ts).
 */
import { posix } from "node:path";
import type { PartSource } from "./part-source.ts";
import { BLOCK, padding, parseHeader, parsePax, type TarHeader } from "./tar-header.ts";

/** One member: a file's data range or a link's target. */
export interface TarEntry {
  readonly path: string;
  readonly kind: "file" | "link";
  /** Where the data start in the whole bundle (the byte after the header). */
  readonly offset: number;
  readonly size: number;
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
}

/** Pax and long-name data are names, not blobs: anything larger is not a tar of images. */
const EXTENSION_LIMIT = 1024 * 1024;

export async function indexTar(source: PartSource, options: { readonly signal?: AbortSignal } = {}): Promise<TarIndex> {
  const entries = new Map<string, TarEntry>();
  const read = async (position: number, length: number) => {
    options.signal?.throwIfAborted();
    return source.read(position, length);
  };
  let position = 0;
  let pending: { path?: string; linkPath?: string; size?: number } = {};
  for (;;) {
    const block = await read(position, BLOCK);
    if (block.length < BLOCK) return { entries, complete: false, cutIn: block.length > 0 ? "a tar header" : undefined };
    const header = tryParse(block);
    if (header === "bad") return { entries, complete: false, badHeaderAt: position };
    if (!header) break;
    const size = pending.size ?? header.size;
    const dataStart = position + BLOCK;
    position = dataStart + size + padding(size);
    if (header.kind === "pax" || header.kind === "long-name" || header.kind === "long-link") {
      if (size > EXTENSION_LIMIT) throw new Error(`a tar extension header of ${size} bytes: not a tar of images`);
      const data = await read(dataStart, size + padding(size));
      if (data.length < size) return { entries, complete: false, cutIn: "a tar header" };
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
      // A member is cut short when the bundle ends before its data do.
      if (dataStart + size > source.size) return { entries, complete: false, cutIn: path };
      entries.set(path, { path, kind: "file", offset: dataStart, size });
    }
  }
  return { entries, complete: true };
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
