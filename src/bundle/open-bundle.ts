/**
 * Opens a bundle for pushing: `push-images save`'s OCI layout (one file or
 * split parts) or a plain docker/podman docker-archive (gzipped or not).
 * What is read before the first request is what tells the images apart:
 * the tar headers, index.json, manifest.json, push-images-index.json, the
 * manifests and the configs, each hashed and all checked against each
 * other (bundle-agreement.ts). The layers are checked as they are read for
 * their upload (blob-check.ts): an image already at the target needs none
 * of its layers read, and a large layer is read once, not twice.
 */
import { basename } from "node:path";
import { failure, PushImagesError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { blameByChecksums, checksumMismatch, readChecksumFile } from "./checksum-file.ts";
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

/** Opens `FILE`, `FILE.000` or `FILE` whose parts are `FILE.000...`; throws ARCHIVE_INVALID naming what is wrong. */
export async function openBundle(file: string, options: OpenBundleOptions): Promise<Bundle> {
  const parts = findParts(file);
  const plain = parts.length === 1 ? await gunzipIfGzipped(file, options) : undefined;
  // The gzip file's sum comes from unpacking it; a part's .sha256 is read now, its sum compared only to name a damage.
  if (plain) await compareWithChecksumFile(file, plain.sha256, options.log);
  else for (const part of parts) await readChecksumFile(part.file);
  const source = PartSource.of(plain ? [plain] : parts);
  // Left open for the run: the uploads read their blobs through it.
  const bundle = await readContents(source, options, { checksums: !plain }).catch(async (error: unknown) => {
    await source.close();
    const named = error instanceof PushImagesError && !plain ? await blameByChecksums(parts.map((part) => part.file)) : undefined;
    throw named ?? error;
  });
  const count = bundle.images.length;
  options.log.info(`${bundleName(bundle.files)}: ${count} image${count === 1 ? "" : "s"}; each blob is checked as it is sent`);
  return bundle;
}

/**
 * Reads the files as one bundle and checks it as --from-archive does before
 * its first request: the tar, the documents and the configs against each
 * other, every blob where they say. Not the layers' bytes: `save` checks
 * its own output with this, and took each layer's digests as it wrote it.
 */
export async function checkBundleFiles(
  files: ReadonlyArray<{ file: string; size: number }>,
  options: OpenBundleOptions,
): Promise<Bundle> {
  const source = PartSource.of(files);
  try {
    return await readContents(source, options, { checksums: false });
  } finally {
    await source.close();
  }
}

/** The bundle's images, read and checked (the layers' bytes later, as they are read). */
async function readContents(
  source: PartSource,
  options: OpenBundleOptions,
  { checksums }: { checksums: boolean },
): Promise<Bundle> {
  const files = source.parts;
  const name = bundleName(files.map((part) => part.file));
  const index = await indexTar(source, { signal: options.signal }).catch((error: NodeJS.ErrnoException) => {
    if (options.signal?.aborted) throw error;
    throw failure(
      "ARCHIVE_INVALID",
      `${name} cannot be read: ${error.message}`,
      `check the file and its permissions: ls -l ${files[0]?.file ?? name}`,
    );
  });
  const contents = new BundleContents(source, index, name, checksums);
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
  return { files: files.map((part) => part.file), images, blobBytes: contents.blobBytes() };
}
async function compareWithChecksumFile(file: string, sha256: string, log: Logger): Promise<void> {
  const recorded = await readChecksumFile(file);
  if (!recorded) return;
  if (recorded.sha256 !== sha256) throw checksumMismatch(file, sha256, recorded);
  log.info(`${file} matches ${recorded.checksumFile}`);
}
