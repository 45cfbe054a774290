/**
 * The 512-byte tar header, written and read by hand: the bundle writer
 * needs exact control of where each blob's bytes start (the reader records
 * those offsets to stream blobs later), and a header is 40 lines of code.
 * Reading also takes the pax and GNU long-name extensions that `docker save`
 * and `podman save` may emit.
 */

export const BLOCK = 512;

/** What a header says; `kind` folds the type flags the bundle code cares about. */
export interface TarHeader {
  readonly path: string;
  readonly size: number;
  readonly kind: "file" | "link" | "symlink" | "directory" | "pax" | "global-pax" | "long-name" | "long-link" | "other";
  readonly linkPath: string;
}

/** A ustar header for a regular file (mode 0644, owner 0, the given mtime). */
export function fileHeader(path: string, size: number, mtime: number): Buffer {
  const name = Buffer.from(path, "utf8");
  if (name.length > 100) throw new Error(`tar member name too long for a plain ustar header: ${path}`);
  const header = Buffer.alloc(BLOCK);
  name.copy(header, 0);
  writeOctal(header, 100, 8, 0o644);
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  writeSize(header, size);
  writeOctal(header, 136, 12, mtime);
  header.write("0", 156, "latin1");
  header.write("ustar\u000000", 257, "latin1");
  header.fill(0x20, 148, 156);
  const sum = header.reduce((total, byte) => total + byte, 0);
  header.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148, "latin1");
  return header;
}

/** Zero bytes that pad `size` to a whole block. */
export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** Undefined for an all-zero block (the end of the archive); throws on a block that is not a header. */
export function parseHeader(block: Buffer): TarHeader | undefined {
  if (block.every((byte) => byte === 0)) return undefined;
  const stored = Number.parseInt(field(block, 148, 8).trim() || "x", 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  if (stored !== sum) throw new Error("a tar header's checksum does not match (not a tar file, or damaged)");
  const prefix = field(block, 257, 6) === "ustar" ? field(block, 345, 155) : "";
  const name = field(block, 0, 100);
  return {
    path: prefix ? `${prefix}/${name}` : name,
    size: readSize(block),
    kind: kindOf(block[156] as number),
    linkPath: field(block, 157, 100),
  };
}

/** The path, linkpath and size records of a pax extended header. */
export function parsePax(data: Buffer): { path?: string; linkPath?: string; size?: number } {
  const found: { path?: string; linkPath?: string; size?: number } = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = Number.parseInt(data.toString("latin1", at, space), 10);
    if (space < 0 || !(length > 0)) break;
    const record = data.toString("utf8", space + 1, at + length - 1);
    const equals = record.indexOf("=");
    const [key, value] = [record.slice(0, equals), record.slice(equals + 1)];
    if (key === "path") found.path = value;
    if (key === "linkpath") found.linkPath = value;
    if (key === "size") found.size = Number(value);
    at += length;
  }
  return found;
}

function kindOf(flag: number): TarHeader["kind"] {
  const kinds: Record<string, TarHeader["kind"]> = {
    "0": "file",
    "\u0000": "file",
    "7": "file",
    "1": "link",
    "2": "symlink",
    "5": "directory",
  };
  const extensions: Record<string, TarHeader["kind"]> = { x: "pax", g: "global-pax", L: "long-name", K: "long-link" };
  const char = String.fromCharCode(flag);
  return kinds[char] ?? extensions[char] ?? "other";
}

function field(block: Buffer, at: number, length: number): string {
  const end = block.indexOf(0, at);
  return block.toString("utf8", at, end >= at && end < at + length ? end : at + length);
}

function writeOctal(block: Buffer, at: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, "0")}\u0000`, at, "latin1");
}

// Sizes of 8 GiB and more take GNU's base-256 form, which GNU tar, Go and node-tar all read.
function writeSize(block: Buffer, size: number): void {
  if (size < 0o77777777777) return writeOctal(block, 124, 12, size);
  block[124] = 0x80;
  for (let i = 135, rest = size; i > 124; i--, rest = Math.floor(rest / 256)) block[i] = rest % 256;
}

function readSize(block: Buffer): number {
  if (((block[124] as number) & 0x80) === 0) return Number.parseInt(field(block, 124, 12).trim() || "0", 8);
  let size = 0;
  for (let i = 125; i < 136; i++) size = size * 256 + (block[i] as number);
  return size;
}
