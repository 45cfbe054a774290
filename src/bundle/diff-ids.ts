/**
 * Each layer of an image must unpack to what its config's `rootfs.diff_ids`
 * say: containerd checks that when it unpacks a pulled layer, so a bundle
 * whose layer and config disagree would be pushed, reported `pushed`, and
 * fail later on the site, at the Kubernetes pull. The plain digests come
 * from the bundle's one read (src/bundle/layer-digest.ts); nothing is read
 * again here but the config.
 */
import type { BundleContents } from "./bundle-blobs.ts";
import type { TarEntry } from "./tar-index.ts";

/** Layer media types stored uncompressed (docker 25's save): the stored digest is the diff_id. */
const UNCOMPRESSED = /^application\/vnd\.(oci\.image\.layer\.v1\.tar|docker\.image\.rootfs\.diff\.tar)$/;
const GZIP = /^application\/vnd\.(oci\.image\.layer\.v1\.tar\+gzip|docker\.image\.rootfs\.diff\.tar\.gzip)$/;

/** A layer as the manifest gives it, and the member that holds it. */
export interface ManifestLayer {
  readonly mediaType: string;
  readonly digest: string;
  readonly entry: TarEntry;
}

/** Throws ARCHIVE_INVALID naming the image and the layer whose content its config does not list. */
export async function checkDiffIds(
  contents: BundleContents,
  reference: string,
  config: TarEntry,
  layers: readonly ManifestLayer[],
): Promise<void> {
  const { value } = await contents.json<{ rootfs?: { diff_ids?: unknown } }>(config, `the config of ${reference}`);
  const diffIds = value?.rootfs?.diff_ids;
  if (!Array.isArray(diffIds) || diffIds.length !== layers.length) {
    const listed = Array.isArray(diffIds) ? `${diffIds.length} layers` : "no rootfs.diff_ids";
    throw contents.invalid(`has ${reference} whose config lists ${listed}, but its manifest ${layers.length}`);
  }
  for (const [i, layer] of layers.entries()) {
    const plain = plainDigest(layer);
    const what = `layer ${i + 1} (${layer.digest}) of ${reference}${contents.where(layer.entry)}`;
    if (plain === undefined) continue;
    if ("error" in plain) throw contents.invalid(`has ${what} that does not unpack: ${plain.error}`);
    if (plain.digest !== diffIds[i])
      throw contents.invalid(
        `has ${what} that does not match its config: it unpacks to ${plain.digest}, the config's diff_ids say ${String(diffIds[i])}`,
      );
  }
}

/** The layer's plain digest; undefined for a compression this reader does not inflate (zstd). */
function plainDigest(layer: ManifestLayer): { digest: string } | { error: string } | undefined {
  if (UNCOMPRESSED.test(layer.mediaType)) return { digest: layer.digest };
  if (GZIP.test(layer.mediaType)) return layer.entry.plain ?? { error: "it is not gzip, as its media type says" };
  return undefined;
}
