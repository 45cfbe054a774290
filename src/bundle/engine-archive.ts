/**
 * The container tool's docker-archive, taken as it comes through the pipe:
 * every layer tar is hashed (its diff_id, held against the config once the
 * config has come: podman writes the layers first, manifest.json last, and
 * docker sorts its blobs by digest) and gzipped in blocks straight into the
 * bundle's tar (src/bundle/block-gzip.ts), each distinct gzip blob once.
 * What is not a layer (configs, manifest.json, docker's small files) is kept
 * in memory. A layer is told by its first block, a tar header (or an empty
 * tar's zeros), not by its name: the names differ between tools and versions.
 */
import { createHash } from "node:crypto";
import { posix } from "node:path";
import { blockGzip } from "./block-gzip.ts";
import { blobPath } from "./oci-documents.ts";
import { BLOCK, parseHeader } from "./tar-header.ts";
import { readTarStream } from "./tar-stream.ts";
import type { TarWriter } from "./tar-writer.ts";

/** A layer as it went into the bundle: its diff_id, and its gzip blob. */
export interface StreamedLayer {
  readonly diffId: string;
  readonly gzip: { readonly digest: string; readonly size: number };
}

/** What the archive held: small files by path, links to their targets, layers by path. */
export interface StreamedArchive {
  readonly files: ReadonlyMap<string, Buffer>;
  readonly links: ReadonlyMap<string, string>;
  readonly layers: ReadonlyMap<string, StreamedLayer>;
}

/** More than any image's config or manifest.json: a member past this that is no layer is not one of an image archive. */
const DOCUMENT_LIMIT = 32 * 1024 * 1024;

/** Reads the archive from `source` to its end, every layer gzipped into `tar`; throws TarStreamError when it breaks off. */
export async function takeEngineArchive(source: AsyncIterable<Buffer>, tar: TarWriter): Promise<StreamedArchive> {
  const files = new Map<string, Buffer>();
  const links = new Map<string, string>();
  const layers = new Map<string, StreamedLayer>();
  const stored = new Set<string>();
  for await (const { header, body } of readTarStream(source)) {
    const path = normalise(header.path);
    if (header.kind === "link" || header.kind === "symlink") {
      links.set(path, normalise(header.kind === "link" ? header.linkPath : posix.join(posix.dirname(path), header.linkPath)));
      continue;
    }
    if (header.kind !== "file") continue;
    const first = await firstBlock(body);
    if (!isTar(first)) {
      files.set(path, await readDocument(path, first, body));
      continue;
    }
    layers.set(path, await gzipLayer(withFirst(first, body), tar, stored));
  }
  return { files, links, layers };
}

/** Follows links (podman's `<id>/layer.tar -> ../<digest>.tar`) to the path of the member itself. */
export function resolvePath(archive: StreamedArchive, path: string): string {
  let at = normalise(path);
  for (let hops = 0; archive.links.has(at) && hops < 8; hops++) at = archive.links.get(at) as string;
  return at;
}

/**
 * Hashes a layer tar as it comes (its diff_id) and gzips it in blocks into
 * `tar` under its blob's name, each distinct blob once (`stored`: the
 * digests already in). Each piece of `source` is used before the next is
 * asked for, so a source may reuse its buffers.
 */
export async function gzipLayer(source: AsyncIterable<Buffer>, tar: TarWriter, stored: Set<string>): Promise<StreamedLayer> {
  const plain = createHash("sha256");
  const packed = createHash("sha256");
  let size = 0;
  async function* hashedPlain() {
    for await (const piece of source) {
      plain.update(piece);
      yield piece;
    }
  }
  async function* hashedGzip() {
    // reuse: each piece is written (and hashed) before the next is asked for.
    for await (const piece of blockGzip(hashedPlain(), { reuse: true })) {
      packed.update(piece);
      size += piece.length;
      yield piece;
    }
  }
  let digest = "";
  await tar.addStream(hashedGzip(), () => {
    digest = `sha256:${packed.digest("hex")}`;
    // The same layer under two names (docker 20's per-image layer ids) goes in once.
    if (stored.has(digest)) return undefined;
    stored.add(digest);
    return blobPath(digest);
  });
  return { diffId: `sha256:${plain.digest("hex")}`, gzip: { digest, size } };
}

/** The member's bytes: its first block, already read, then the rest. */
async function* withFirst(first: Buffer, body: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  yield* body;
}

/** The member's first block, or all of it when shorter. */
async function firstBlock(body: AsyncGenerator<Buffer>): Promise<Buffer> {
  const pieces: Buffer[] = [];
  let have = 0;
  while (have < BLOCK) {
    const next = await body.next();
    if (next.done) break;
    pieces.push(next.value);
    have += next.value.length;
  }
  return Buffer.concat(pieces);
}

/** A tar starts with a header whose checksum holds, or (empty) with a zero block. */
function isTar(first: Buffer): boolean {
  if (first.length < BLOCK) return false;
  try {
    parseHeader(first.subarray(0, BLOCK));
    return true;
  } catch {
    return false;
  }
}

async function readDocument(path: string, first: Buffer, body: AsyncGenerator<Buffer>): Promise<Buffer> {
  const pieces = [first];
  let size = first.length;
  for await (const piece of body) {
    size += piece.length;
    if (size > DOCUMENT_LIMIT)
      throw new Error(`${path} is neither a layer tar nor a document of an image (over ${DOCUMENT_LIMIT} bytes)`);
    // Copied: the pipe's buffer it lies in goes on to other members.
    pieces.push(Buffer.from(piece));
  }
  return Buffer.concat(pieces);
}

function normalise(path: string): string {
  return posix
    .normalize(path)
    .replace(/^(\.\/)+/, "")
    .replace(/\/$/, "");
}
