/**
 * The small files of a bundle `save` writes: each image's OCI manifest (and
 * a multi-platform image's OCI index over its platforms' manifests), the
 * layout's `index.json` and `oci-layout` (what podman and skopeo read),
 * docker's `manifest.json` pointing at the same gzip blobs (what
 * `docker load` reads), and push-images' own index (who wrote it, when).
 */
import { createHash } from "node:crypto";
import type { Platform } from "../core/platforms.ts";

const MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
const INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
export const CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
export const GZIP_LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
/** The annotation podman reads the image's name from (it adds `localhost/` to a name with no registry). */
const REF_NAME = "org.opencontainers.image.ref.name";
/** push-images' own index inside the bundle. */
const PUSH_IMAGES_INDEX = "push-images-index.json";

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

/** A blob `save` stores: its descriptor, and its bytes when it is a document or a config (a layer is in the bundle already). */
export interface StoredBlob extends Descriptor {
  readonly bytes?: Buffer;
}

/** An image's blobs: a config and its layers. */
export interface ImageBlobs {
  readonly config: StoredBlob;
  readonly layers: readonly StoredBlob[];
}

/**
 * One image of the bundle as `save` assembles it. A multi-platform image has
 * `platforms`; its own config and layers are then the one platform's image
 * `docker load` takes (manifest.json), which keeps no lists.
 */
export interface SavedImage extends ImageBlobs {
  readonly image: string;
  readonly reference: string;
  readonly platforms?: ReadonlyArray<ImageBlobs & { readonly platform: Platform }>;
}

/** An image's documents: what index.json points at (its manifest, or its index), and every document blob to store. */
export interface ImageDocuments {
  readonly top: StoredBlob;
  readonly blobs: readonly StoredBlob[];
}

/** What push-images-index.json holds. */
export interface SaveIndex {
  readonly writer: string;
  readonly created: string;
  readonly images: ReadonlyArray<{
    readonly image: string;
    readonly reference: string;
    readonly id: string;
    readonly manifest: string;
  }>;
}

export function blobPath(digest: string): string {
  return `blobs/${digest.replace(":", "/")}`;
}

function jsonBlob(mediaType: string, value: unknown): StoredBlob {
  const bytes = Buffer.from(JSON.stringify(value));
  return { mediaType, digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`, size: bytes.length, bytes };
}

function imageManifest(image: ImageBlobs): StoredBlob {
  const descriptor = ({ mediaType, digest, size }: Descriptor) => ({ mediaType, digest, size });
  return jsonBlob(MANIFEST_TYPE, {
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE,
    config: descriptor(image.config),
    layers: image.layers.map(descriptor),
  });
}

/** A single image's manifest; a multi-platform image's platform manifests and the index over them, each with its platform. */
export function imageDocuments(image: SavedImage): ImageDocuments {
  if (!image.platforms) {
    const manifest = imageManifest(image);
    return { top: manifest, blobs: [manifest] };
  }
  const manifests = image.platforms.map(imageManifest);
  const index = jsonBlob(INDEX_TYPE, {
    schemaVersion: 2,
    mediaType: INDEX_TYPE,
    manifests: image.platforms.map(({ platform }, i) => {
      const { mediaType, digest, size } = manifests[i] as StoredBlob;
      return { mediaType, digest, size, platform };
    }),
  });
  return { top: index, blobs: [...manifests, index] };
}

/** oci-layout, index.json, manifest.json and push-images-index.json, in the order they go into the tar; and the last one's content. */
export function layoutFiles(
  images: readonly SavedImage[],
  tops: readonly StoredBlob[],
  writer: string,
): { files: Array<[string, Buffer]>; index: SaveIndex } {
  const index = {
    schemaVersion: 2,
    mediaType: INDEX_TYPE,
    manifests: images.map((image, i) => {
      const { mediaType, digest, size } = tops[i] as StoredBlob;
      return { mediaType, digest, size, annotations: { [REF_NAME]: image.reference } };
    }),
  };
  const dockerManifest = images.map((image) => ({
    Config: blobPath(image.config.digest),
    RepoTags: [image.reference],
    Layers: image.layers.map((layer) => blobPath(layer.digest)),
  }));
  const ours: SaveIndex = {
    writer,
    created: new Date().toISOString(),
    images: images.map((image, i) => ({
      image: image.image,
      reference: image.reference,
      // A multi-platform image's id is its index's digest, as --from-archive reads it.
      id: image.platforms ? (tops[i]?.digest ?? "") : image.config.digest,
      manifest: tops[i]?.digest ?? "",
    })),
  };
  const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
  const files: Array<[string, Buffer]> = [
    ["oci-layout", Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" }))],
    ["index.json", json(index)],
    ["manifest.json", json(dockerManifest)],
    [PUSH_IMAGES_INDEX, json(ours)],
  ];
  return { files, index: ours };
}
