/**
 * Writes the bundle's tar: the layout's small files first (so even a cut
 * copy says what it should hold), then manifests (and a multi-platform
 * image's index), configs and gzip layers under `blobs/sha256/`, each blob
 * once however many images share it.
 */
import type { Platform } from "../core/platforms.ts";
import type { BundleImage } from "./bundle.ts";
import type { CompressedLayer } from "./compress-layers.ts";
import {
  blobPath,
  CONFIG_TYPE,
  GZIP_LAYER_TYPE,
  imageDocuments,
  type ImageBlobs,
  layoutFiles,
  type SaveIndex,
  type SavedImage,
  type StoredBlob,
} from "./oci-documents.ts";
import { TarWriter } from "./tar-writer.ts";

/**
 * An image `save` puts in the bundle: its product name, its source
 * reference, and what the tool's archive holds of it. A multi-platform
 * image has each chosen platform's image; `source` is then the one of them
 * `docker load` takes.
 */
export interface ChosenImage {
  readonly image: string;
  readonly reference: string;
  readonly source: BundleImage;
  readonly platforms?: ReadonlyArray<{ readonly platform: Platform; readonly source: BundleImage }>;
}

export interface WriteOptions {
  /** Names file i of the bundle (the only one, i = 0, when not split). */
  readonly fileFor: (index: number) => string;
  readonly splitBytes?: number;
  /** Who wrote it, for push-images-index.json. */
  readonly writer: string;
  readonly signal?: AbortSignal;
}

export async function writeBundle(
  chosen: readonly ChosenImage[],
  compressed: ReadonlyMap<string, CompressedLayer>,
  options: WriteOptions,
): Promise<{ files: readonly string[]; index: SaveIndex }> {
  const images: SavedImage[] = [];
  for (const { image, reference, source, platforms } of chosen) {
    const blobs = (one: BundleImage) => storedBlobs(one, reference, compressed);
    const saved = platforms
      ? await Promise.all(platforms.map(async (entry) => ({ platform: entry.platform, ...(await blobs(entry.source)) })))
      : undefined;
    images.push({ image, reference, ...(await blobs(source)), ...(saved && { platforms: saved }) });
  }
  const documents = images.map(imageDocuments);
  const { files, index } = layoutFiles(
    images,
    documents.map((document) => document.top),
    options.writer,
  );
  const tar = new TarWriter(options.fileFor, options.splitBytes, options.signal);
  try {
    for (const [path, bytes] of files) await tar.addBuffer(path, bytes);
    const stored = new Set<string>();
    const everyImage = images.flatMap((image): readonly ImageBlobs[] => image.platforms ?? [image]);
    for (const blob of [
      ...documents.flatMap((document) => document.blobs),
      ...everyImage.map((image) => image.config),
      ...everyImage.flatMap((image) => image.layers),
    ]) {
      if (stored.has(blob.digest)) continue;
      stored.add(blob.digest);
      if (blob.bytes) await tar.addBuffer(blobPath(blob.digest), blob.bytes);
      else await tar.addFile(blobPath(blob.digest), blob.file ?? "", blob.size);
    }
    await tar.finish();
  } finally {
    await tar.close();
  }
  return { files: tar.files, index };
}

/** An image's config (its bytes, from the tool's archive) and its layers as compressed. */
async function storedBlobs(
  source: BundleImage,
  reference: string,
  compressed: ReadonlyMap<string, CompressedLayer>,
): Promise<ImageBlobs> {
  const bytes = await readAll(source.config.open());
  const config: StoredBlob = { mediaType: CONFIG_TYPE, digest: source.config.digest, size: bytes.length, bytes };
  const layers = source.layers.map((layer): StoredBlob => {
    const packed = compressed.get(layer.digest);
    if (!packed) throw new Error(`layer ${layer.digest} of ${reference} was not compressed`);
    return { mediaType: GZIP_LAYER_TYPE, digest: packed.digest, size: packed.size, file: packed.file };
  });
  return { config, layers };
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}
