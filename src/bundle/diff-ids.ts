/**
 * Each layer of an image must unpack to what its config's `rootfs.diff_ids`
 * say: containerd checks that when it unpacks a pulled layer, so a bundle
 * whose layer and config disagree would be pushed, reported `pushed`, and
 * fail later on the site, at the Kubernetes pull. The plain digests come
 * from the read that hashes the layer (src/bundle/layer-digest.ts): the
 * bundle's one read for `save`, the upload's read for --from-archive.
 */
import type { PushImagesError } from "../core/errors.ts";
import type { BundleContents } from "./bundle-blobs.ts";
import { INFLATES_ZSTD, type LayerCompression, type LayerDigest } from "./layer-digest.ts";
import type { TarEntry } from "./tar-index.ts";

/** Layer media types stored uncompressed (docker 25's save): the stored digest is the diff_id. */
const UNCOMPRESSED = /^application\/vnd\.(oci\.image\.layer\.v1\.tar|docker\.image\.rootfs\.diff\.tar)$/;
const GZIP = /^application\/vnd\.(oci\.image\.layer\.v1\.tar\+gzip|docker\.image\.rootfs\.diff\.tar\.gzip)$/;
const ZSTD = /^application\/vnd\.oci\.image\.layer\.v1\.tar\+zstd$/;

/** A layer as the manifest gives it, and the member that holds it. */
export interface ManifestLayer {
  readonly mediaType: string;
  readonly digest: string;
  readonly entry: TarEntry;
}

/** The config's diff_ids, one per layer of the manifest; else ARCHIVE_INVALID naming the image. */
export async function diffIdsOf(
  contents: BundleContents,
  reference: string,
  config: TarEntry,
  layers: number,
): Promise<unknown[]> {
  const { value } = await contents.json<{ rootfs?: { diff_ids?: unknown } }>(config, `the config of ${reference}`);
  const diffIds = value?.rootfs?.diff_ids;
  if (!Array.isArray(diffIds) || diffIds.length !== layers) {
    const listed = Array.isArray(diffIds) ? `${diffIds.length} layers` : "no rootfs.diff_ids";
    throw contents.invalid(`has ${reference} whose config lists ${listed}, but its manifest ${layers}`);
  }
  return diffIds;
}

/** Whether the layer is inflated to learn its diff_id (a gzip layer, or a zstd one where the runtime has zstd). */
export function inflates(layer: Pick<ManifestLayer, "mediaType">): boolean {
  return GZIP.test(layer.mediaType) || (INFLATES_ZSTD && ZSTD.test(layer.mediaType));
}

/**
 * ARCHIVE_INVALID naming the image and the layer whose content its config
 * does not list, given what reading the layer gave (`plain`: what a gzip
 * layer unpacked to); undefined when it matches.
 */
export function diffIdMismatch(
  contents: BundleContents,
  what: string,
  layer: ManifestLayer,
  plain: LayerDigest | undefined,
  diffId: unknown,
): PushImagesError | undefined {
  const unpacked = plainDigest(layer, plain);
  if (unpacked === undefined) return undefined;
  if ("error" in unpacked) return contents.invalid(`has ${what} that does not unpack: ${unpacked.error}`);
  if (unpacked.digest === diffId) return undefined;
  return contents.invalid(
    `has ${what} that does not match its config: it unpacks to ${unpacked.digest}, the config's diff_ids say ${String(diffId)}`,
  );
}

/** The layer's plain digest; undefined for a compression this reader does not inflate (zstd under Node.js 20). */
function plainDigest(layer: ManifestLayer, plain: LayerDigest | undefined): LayerDigest | undefined {
  if (UNCOMPRESSED.test(layer.mediaType)) return { digest: layer.digest };
  if (GZIP.test(layer.mediaType)) return inflatedFrom(plain, "gzip");
  if (INFLATES_ZSTD && ZSTD.test(layer.mediaType)) return inflatedFrom(plain, "zstd");
  return undefined;
}

/** What inflating gave, if it inflated the compression the media type names. */
function inflatedFrom(plain: LayerDigest | undefined, compression: LayerCompression): LayerDigest {
  if (plain && ("error" in plain || plain.from === compression)) return plain;
  return { error: `it is not ${compression}, as its media type says` };
}
