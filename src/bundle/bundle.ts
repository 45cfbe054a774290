/**
 * A bundle as the registry uploader sees it: images, each a manifest, a
 * config and layers, every blob readable from its place in the bundle's
 * file(s) without extracting anything. Made by `openBundle` from a bundle
 * `push-images save` wrote (an OCI image layout in one tar, possibly split
 * into FILE.000, FILE.001, ...) or from a plain `docker save` /
 * `podman save` archive (uncompressed layers, which the uploader compresses
 * on the fly).
 */
import type { Readable } from "node:stream";
import type { Platform } from "../core/platforms.ts";

/** One blob, stored once in the bundle however many images share it. */
export interface BundleBlob {
  /** `sha256:<hex>` of the bytes as stored (and, when `compressed`, as uploaded). */
  readonly digest: string;
  /** Bytes as stored. */
  readonly size: number;
  /** The media type the manifest gives it (for docker-archive layers: the uncompressed tar type). */
  readonly mediaType: string;
  /**
   * True when the stored bytes are what goes to the registry (a gzip layer
   * or a config). False for the uncompressed layers of a docker-archive:
   * the uploader gzips them on the way, and learns the digest at the end.
   */
  readonly uploadAsStored: boolean;
  /**
   * Streams the stored bytes from their offset in the bundle (across split
   * parts if need be): all of them, or `length` bytes from `start` (one
   * chunk of a chunked upload, or the rest of one the registry kept).
   */
  open(start?: number, length?: number): Readable;
  /**
   * The same bytes for an upload's body, in a few buffers used again and
   * again (memory stays flat however large the blob): each is read into
   * again only after the consumer asked for the next two, so it must be
   * done with a chunk by then (undici is: it waits for the socket to drain
   * before it asks). The blob's check takes the bytes in passing; the
   * stream that reaches the blob's end fails there instead of giving its
   * last bytes when the blob is not what the bundle says.
   */
  chunks(start?: number, length?: number): AsyncIterable<Buffer>;
  /**
   * Resolves once every byte of the blob is known to match its digest (and
   * a layer its config's diff_id), reading here what no upload read;
   * rejects with ARCHIVE_INVALID naming the blob and its image.
   */
  checked(): Promise<void>;
}

export interface BundleImage {
  /** The source reference the bundle names the image by, e.g. `apim/apim-le-cache:v6.0.0`. */
  readonly reference: string;
  /** The image id: the config's digest. */
  readonly id: string;
  /**
   * The manifest to PUT, byte for byte, with its media type and digest;
   * undefined for a docker-archive, whose manifest the uploader writes once
   * the compressed layers' digests are known.
   */
  readonly manifest?: { readonly mediaType: string; readonly bytes: Buffer; readonly digest: string };
  readonly config: BundleBlob;
  /** In the image's layer order; for a multi-platform image, every other blob of its platforms' images. */
  readonly layers: readonly BundleBlob[];
  /**
   * A multi-platform image (an OCI index, as `skopeo copy --all` writes
   * it): its platforms' images. Then `id` and `manifest` are the index's,
   * and `config` and `layers` the blobs of all its platforms' images.
   */
  readonly index?: BundleIndex;
}

/** One platform of a multi-platform image in a bundle: its image (manifest as stored) and the index's descriptor of it. */
export interface BundlePlatformImage {
  readonly platform: Platform;
  readonly image: BundleImage & { readonly manifest: NonNullable<BundleImage["manifest"]> };
  readonly descriptor: Readonly<Record<string, unknown>>;
}

export interface BundleIndex {
  readonly platforms: readonly BundlePlatformImage[];
  /** The index as stored, but for its list of manifests: to write an index of some of its platforms. */
  readonly document: Readonly<Record<string, unknown>>;
}

export interface Bundle {
  /** The file(s) read: one, or each split part in order. */
  readonly files: readonly string[];
  readonly images: readonly BundleImage[];
  /** Sum of the stored sizes of the distinct blobs. */
  readonly blobBytes: number;
}
