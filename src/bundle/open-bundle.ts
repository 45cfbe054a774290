/**
 * Opens a bundle for pushing: `push-images save`'s OCI layout (one file or
 * split parts) or a plain docker/podman docker-archive (gzipped or not).
 * The whole bundle is read once, front to back, every blob hashed against
 * its digest and every part against its `.sha256` when there is one, so a
 * damaged copy is refused before anything is uploaded. Blobs are then
 * streamed from their offsets, never extracted.
 */
import { basename } from "node:path";
import { failure } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { readChecksumFile } from "./checksum-file.ts";
import type { Bundle } from "./bundle.ts";
import { checkAgreement } from "./bundle-agreement.ts";
import { BundleContents } from "./bundle-blobs.ts";
import { gunzipIfGzipped } from "./gunzip-bundle.ts";
import { PartSource } from "./part-source.ts";
import { readDockerArchive } from "./read-docker-archive.ts";
import { readOciLayout } from "./read-oci-layout.ts";
import { bundleName, findParts } from "./split-parts.ts";
import { indexTar } from "./tar-index.ts";

export interface OpenBundleOptions {
  readonly log: Logger;
  /** Ctrl-C: the read stops at its next chunk. */
  readonly signal?: AbortSignal;
  /** Where a gzipped docker-archive is unpacked (the run's temp dir, removed with it); default: the OS's. */
  readonly tempDir?: string;
}

/** A checked bundle, and each file's sha256 (hex) from the same read. */
export interface CheckedBundle extends Bundle {
  readonly sums: readonly string[];
}

/** Opens `FILE`, `FILE.000` or `FILE` whose parts are `FILE.000...`; throws ARCHIVE_INVALID naming what is wrong. */
export async function openBundle(file: string, options: OpenBundleOptions): Promise<Bundle> {
  const parts = findParts(file);
  const plain = parts.length === 1 ? await gunzipIfGzipped(file, options) : undefined;
  if (plain) await compareWithChecksumFile(file, plain.sha256, options.log);
  // Each part against its .sha256 first: a damaged copy is best named by the file that differs.
  const bundle = await readBundle(plain ? [plain] : parts, options, async (sums) => {
    if (plain) return;
    for (const [i, part] of parts.entries())
      if (sums[i] !== undefined) await compareWithChecksumFile(part.file, sums[i], options.log);
  });
  const count = bundle.images.length;
  options.log.info(`${bundleName(bundle.files)}: ${count} image${count === 1 ? "" : "s"}, every blob checked against its digest`);
  return bundle;
}

/** Reads and checks the given files as one bundle (save checks its own output with this, before renaming). */
export async function readBundle(
  files: ReadonlyArray<{ file: string; size: number }>,
  options: OpenBundleOptions,
  checkSums?: (sums: readonly string[]) => Promise<void>,
): Promise<CheckedBundle> {
  const source = PartSource.of(files);
  const name = bundleName(files.map((part) => part.file));
  try {
    const index = await indexTar(source, { hash: true, signal: options.signal }).catch((error: NodeJS.ErrnoException) => {
      if (options.signal?.aborted) throw error;
      throw failure(
        "ARCHIVE_INVALID",
        `${name} cannot be read: ${error.message}`,
        `check the file and its permissions: ls -l ${files[0]?.file ?? name}`,
      );
    });
    if (index.partSums) await checkSums?.(index.partSums);
    const contents = new BundleContents(source, index, name);
    if (index.badHeaderAt !== undefined) {
      const part = source.partAt(index.badHeaderAt);
      const where = files.length > 1 ? ` in ${basename(part?.file ?? "")}` : "";
      throw contents.invalid(
        index.badHeaderAt === 0
          ? "is not a tar archive of images"
          : `is damaged at byte ${index.badHeaderAt}${where} (a tar header is not one)`,
      );
    }
    const entries = index.entries;
    const layout = entries.has("index.json") && entries.has("oci-layout");
    const images = layout
      ? await readOciLayout(contents)
      : entries.has("manifest.json")
        ? await readDockerArchive(contents)
        : undefined;
    if (!images)
      throw contents.invalid(
        `${contents.cutShort()}is not an image bundle: it holds neither an OCI index.json nor a docker manifest.json`,
      );
    if (images.length === 0) throw contents.invalid("holds no images");
    await checkAgreement(contents, images, layout);
    return { files: files.map((part) => part.file), images, blobBytes: contents.blobBytes(), sums: index.partSums ?? [] };
  } finally {
    await source.close();
  }
}

async function compareWithChecksumFile(file: string, sha256: string, log: Logger): Promise<void> {
  const recorded = await readChecksumFile(file);
  if (!recorded) return;
  if (recorded.sha256 !== sha256) {
    throw failure(
      "ARCHIVE_INVALID",
      `${file} does not match ${recorded.checksumFile}: its sha256 is ${sha256}, not ${recorded.sha256}`,
      `copy ${basename(file)} again from the original and check it (sha256sum -c ` +
        `${basename(recorded.checksumFile)}), or remove ${recorded.checksumFile} if it belongs to another file`,
    );
  }
  log.info(`${file} matches ${recorded.checksumFile}`);
}
