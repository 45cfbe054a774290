/**
 * The product-like image set: real images share a base and compress, random
 * bytes do neither. Seven images on one shared base layer of real shared
 * libraries (from /usr/lib, ~60 MB), each with a layer of its own real files
 * (from /usr/share, ~12 MB, no file in two images) and a small unique file.
 * Built FROM scratch with podman (no network). Reusable by any section:
 * pass the storage, the images and how each is named.
 */
import { randomBytes } from "node:crypto";
import { closeSync, copyFileSync, lstatSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PodmanStorage } from "./podman-storage.ts";
import { mustRun, timed } from "./processes.ts";

export interface ProductLikeSizes {
  /** Bytes of shared libraries in the base layer. */
  readonly baseBytes: number;
  /** Bytes of each image's own files. */
  readonly ownBytes: number;
  /** Bytes of each image's small unique file (default 1 KiB): random, so large ones make a big set that does not compress. */
  readonly uniqueBytes?: number;
}

/** The sizes the issue names; --quick divides them by four. */
export const PRODUCT_LIKE_SIZES: ProductLikeSizes = { baseBytes: 60 * 1024 * 1024, ownBytes: 12 * 1024 * 1024 };

export interface ProductLikeSet {
  /** Blobs a registry must receive for the set: the base, each image's two layers, each config. */
  readonly distinctBlobs: number;
  /** Bytes of layer content (uncompressed), each shared layer counted once. */
  readonly layerBytes: number;
  /** One core gzipping every distinct layer once (`tar | gzip -6`): the compression a fresh push cannot avoid. */
  readonly gzipOneCoreMs: number;
}

/** Builds `images` as `refOf(image)` in `storage`; the base is built, used and untagged again. */
export async function buildProductLikeImages(
  storage: PodmanStorage,
  workDir: string,
  images: readonly string[],
  refOf: (image: string) => string,
  sizes: ProductLikeSizes = PRODUCT_LIKE_SIZES,
): Promise<ProductLikeSet> {
  const root = join(workDir, "product-like-build");
  const base = join(root, "base");
  const baseRef = "localhost/pib-bench-product-like/base:1";
  let layerBytes = copyUpTo(
    realFiles("/usr/lib", (name) => /\.so(\.\d+)*$/.test(name)),
    base,
    sizes.baseBytes,
  );
  writeFileSync(join(root, "Containerfile.base"), "FROM scratch\nCOPY base/ /\n");
  const baseFile = join(root, "Containerfile.base");
  await mustRun("podman", ["build", "--quiet", "--pull=never", "-f", baseFile, "--tag", baseRef, root], { env: storage.env });
  const layerDirs = [base];
  const shared = realFiles("/usr/share", () => true);
  for (const image of images) {
    const context = join(root, image);
    // Each image takes the next files in the list: real content, no file in two images.
    layerBytes += copyUpTo(shared, join(context, "own"), sizes.ownBytes);
    writeRandom(join(context, "unique"), sizes.uniqueBytes ?? 1024);
    layerBytes += sizes.uniqueBytes ?? 1024;
    writeFileSync(join(context, "Containerfile"), `FROM ${baseRef}\nCOPY own/ /\nCOPY unique /unique\n`);
    await mustRun("podman", ["build", "--quiet", "--pull=never", "--tag", refOf(image), context], { env: storage.env });
    layerDirs.push(join(context, "own"));
  }
  await mustRun("podman", ["rmi", baseRef], { env: storage.env });
  const gzipOneCoreMs = await gzipTime(layerDirs);
  rmSync(root, { recursive: true, force: true });
  return { distinctBlobs: 1 + images.length * 3, layerBytes, gzipOneCoreMs };
}

/** `bytes` random bytes in `file`, written in slices so a large file costs no large buffer. */
export function writeRandom(file: string, bytes: number): void {
  const fd = openSync(file, "w");
  try {
    for (let left = bytes; left > 0; left -= SLICE) writeSync(fd, randomBytes(Math.min(SLICE, left)));
  } finally {
    closeSync(fd);
  }
}

const SLICE = 16 * 1024 * 1024;

/** Regular files under `dir` whose name `keep` accepts, in a stable order; consumed from the front. */
function realFiles(dir: string, keep: (name: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (at: string) => {
    let entries;
    try {
      entries = readdirSync(at, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && keep(entry.name)) found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** Copies files off the front of `files` into `into` (keeping their paths) until `bytes` are there; returns the bytes copied. */
function copyUpTo(files: string[], into: string, bytes: number): number {
  let copied = 0;
  while (copied < bytes && files.length > 0) {
    const file = files.shift() as string;
    const size = lstatSync(file).size;
    if (size === 0 || copied + size > bytes * 1.1) continue;
    mkdirSync(dirname(join(into, file)), { recursive: true });
    copyFileSync(file, join(into, file));
    copied += size;
  }
  if (copied < bytes * 0.9) throw new Error(`only ${copied} bytes of real files found for ${into} (wanted ${bytes})`);
  return copied;
}

/** Wall time of one `tar | gzip -6` per directory, one after the other: a single core's compression work. */
async function gzipTime(dirs: readonly string[]): Promise<number> {
  let ms = 0;
  for (const dir of dirs) {
    const run = await timed("bash", ["-c", 'tar -C "$1" -cf - . | gzip -6 -c > /dev/null', "gzip-time", dir]);
    if (run.code !== 0) throw new Error(`tar | gzip of ${dir} failed: ${run.stderr}`);
    ms += run.ms;
  }
  return ms;
}
