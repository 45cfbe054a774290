/**
 * Ends the bundle's tar once the layers are in (engine-archive.ts gzips
 * them into it as the container tool's archive streams by): each image's
 * manifest (and a multi-platform image's index), its config under
 * `blobs/sha256/`, each blob once however many images share it, then the
 * layout's small files, `oci-layout`, `index.json`, `manifest.json` and
 * push-images-index.json. They come last because they name the gzip blobs'
 * digests, known only once each layer has passed; every reader of the
 * bundle (podman, docker, push-images) reads the whole tar first.
 */
import type { Platform } from "../core/platforms.ts";
import {
  blobPath,
  CONFIG_TYPE,
  GZIP_LAYER_TYPE,
  imageDocuments,
  type ImageBlobs,
  layoutFiles,
  type SaveIndex,
  type SavedImage,
} from "./oci-documents.ts";
import type { SavedSource } from "./saved-sources.ts";
import type { TarWriter } from "./tar-writer.ts";

/**
 * An image `save` puts in the bundle: its product name, its source
 * reference, and what the tool's archive holds of it. A multi-platform
 * image has each chosen platform's image; `source` is then the one of them
 * `docker load` takes.
 */
export interface ChosenImage {
  readonly image: string;
  readonly reference: string;
  readonly source: SavedSource;
  readonly platforms?: ReadonlyArray<{ readonly platform: Platform; readonly source: SavedSource }>;
}

/** Writes the documents and configs of `chosen` after the layers, and ends the tar; returns push-images-index.json's content. */
export async function finishBundle(tar: TarWriter, chosen: readonly ChosenImage[], writer: string): Promise<SaveIndex> {
  const images: SavedImage[] = chosen.map(({ image, reference, source, platforms }) => ({
    image,
    reference,
    ...storedBlobs(source),
    ...(platforms && { platforms: platforms.map((entry) => ({ platform: entry.platform, ...storedBlobs(entry.source) })) }),
  }));
  const documents = images.map(imageDocuments);
  const { files, index } = layoutFiles(
    images,
    documents.map((document) => document.top),
    writer,
  );
  const stored = new Set<string>();
  const everyImage = images.flatMap((image): readonly ImageBlobs[] => image.platforms ?? [image]);
  for (const blob of [...documents.flatMap((document) => document.blobs), ...everyImage.map((image) => image.config)]) {
    if (stored.has(blob.digest) || !blob.bytes) continue;
    stored.add(blob.digest);
    await tar.addBuffer(blobPath(blob.digest), blob.bytes);
  }
  for (const [path, bytes] of files) await tar.addBuffer(path, bytes);
  await tar.finish();
  return index;
}

/** An image's config (its bytes, from the tool's archive) and its layers as gzipped into the bundle. */
function storedBlobs(source: SavedSource): ImageBlobs {
  return {
    config: { mediaType: CONFIG_TYPE, digest: source.id, size: source.config.length, bytes: source.config },
    layers: source.layers.map((layer) => ({ mediaType: GZIP_LAYER_TYPE, ...layer.gzip })),
  };
}
