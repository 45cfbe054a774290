/**
 * `save` straight from podman's storage (stored-images.ts): each layer tar
 * rebuilt from its tar-split (tar-split.ts) is hashed and gzipped into the
 * bundle as engine-archive.ts does with `podman save`'s pipe, and the result
 * has the same shape as that archive (a manifest.json, configs by path,
 * layers by path), so that the same checks (saved-sources.ts) judge it.
 */
import type { StreamedArchive, StreamedLayer } from "./engine-archive.ts";
import { gzipLayer } from "./engine-archive.ts";
import { failure } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { savedSources, type SavedSource } from "./saved-sources.ts";
import { findStoredImages, type PodmanStore, type StoredImage } from "./stored-images.ts";
import { layerFromTarSplit, StorageReadError } from "./tar-split.ts";
import type { TarWriter } from "./tar-writer.ts";

/** Gzips every layer of `images` into `tar`, each once; throws StorageReadError when a layer can not be read. */
async function takeStoredImages(images: readonly StoredImage[], tar: TarWriter): Promise<StreamedArchive> {
  const files = new Map<string, Buffer>();
  const layers = new Map<string, StreamedLayer>();
  const stored = new Set<string>();
  const manifest = images.map((image) => {
    const hex = image.id.replace(/^sha256:/, "");
    files.set(`${hex}.json`, image.config);
    return { Config: `${hex}.json`, RepoTags: [], Layers: image.layers.map((layer) => `${layer.id}/layer.tar`) };
  });
  for (const layer of images.flatMap((image) => image.layers)) {
    const path = `${layer.id}/layer.tar`;
    if (layers.has(path)) continue;
    layers.set(path, await gzipLayer(layerFromTarSplit(layer.tarSplit, layer.diffDir), tar, stored));
  }
  files.set("manifest.json", Buffer.from(JSON.stringify(manifest)));
  return { files, links: new Map(), layers };
}

/**
 * The images read straight from podman's storage, or undefined (nothing
 * left written) when they can not be: `podman save` is then asked. Reading
 * the storage spares podman's own rebuild, copy and pipe of every layer,
 * more CPU than the hashing and gzip of it here. A storage that can not be
 * read so (a file unreadable to a rootless user, a layer whose bytes are
 * not its diff_id) sends the save to `podman save`, whose archive is judged
 * on its own. A failure of the bundle's side (a full disk, Ctrl-C) is
 * thrown: `podman save` would meet it again.
 */
export async function saveFromStore(
  store: PodmanStore | undefined,
  ids: readonly string[],
  tar: TarWriter,
  log: Logger,
): Promise<SavedSource[] | undefined> {
  if (!store) return undefined;
  const found = await findStoredImages(store, ids);
  if ("why" in found) {
    log.verbose(`Not reading podman's storage (${found.why}): podman save writes the layers.`);
    return undefined;
  }
  log.verbose(`Reading ${found.images.length} image(s) from podman's storage at ${store.graphRoot} (${store.driver}).`);
  const fallBack = async (why: string) => {
    log.verbose(`Reading podman's storage failed (${why}): podman save writes the layers.`);
    await tar.restart();
    return undefined;
  };
  let archive: StreamedArchive;
  try {
    archive = await takeStoredImages(found.images, tar);
  } catch (error) {
    if (!(error instanceof StorageReadError)) throw error;
    return fallBack(error.message);
  }
  try {
    return savedSources(archive, (why) =>
      failure("ARCHIVE_INVALID", `podman's storage: ${why}`, "save goes through podman save"),
    );
  } catch (error) {
    return fallBack((error as Error).message);
  }
}
