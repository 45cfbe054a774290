/**
 * A multi-platform image in an OCI layout: an index.json entry that is an
 * index (as `skopeo copy --all ... oci-archive:` writes it), whose
 * manifests are each platform's image. Each is read and checked as any
 * image of the layout; the index's bytes are kept, to push it as it is
 * (its digest unchanged) when every platform goes.
 */
import type { BundleBlob, BundleImage, BundlePlatformImage } from "./bundle.ts";
import type { BundleContents } from "./bundle-blobs.ts";

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

/** How the layout reads (and checks) one image and one blob: the index is made of them. */
export interface LayoutReader {
  image(descriptor: Descriptor, what: string): Promise<BundleImage>;
  /** A document of the layout (the index itself), read and checked against its digest. */
  document(descriptor: Descriptor, what: string): Promise<{ value: unknown; bytes: Buffer; digest: string }>;
}

export async function readIndexImage(
  contents: BundleContents,
  descriptor: Descriptor,
  reference: string,
  read: LayoutReader,
): Promise<BundleImage> {
  const document = await read.document(descriptor, `the index of ${reference}`);
  const { bytes, digest } = document;
  const value = document.value as { manifests?: Descriptor[] };
  if (!Array.isArray(value.manifests) || value.manifests.length === 0)
    throw contents.invalid(`has an index for ${reference} that lists no images`);
  const platforms: BundlePlatformImage[] = [];
  for (const child of value.manifests) {
    const { os = "unknown", architecture = "unknown", variant } = child.platform ?? {};
    const platform = variant ? { os, architecture, variant } : { os, architecture };
    const what = `${reference} (${os}/${architecture}${variant ? `/${variant}` : ""})`;
    const image = await read.image(child, what);
    if (!image.manifest)
      throw contents.invalid(
        `has uncompressed layers in ${what}: its index cannot be pushed as it is (save it again with gzip layers)`,
      );
    platforms.push({ platform, image: { ...image, manifest: image.manifest }, descriptor: { ...child } });
  }
  const blobs = distinct(platforms.flatMap(({ image }) => [image.config, ...image.layers]));
  const [first] = blobs;
  if (!first) throw contents.invalid(`has an index for ${reference} whose images hold no blobs`);
  const mediaType = (value as { mediaType?: string }).mediaType ?? descriptor.mediaType ?? "";
  return {
    reference: platforms[0]?.image.reference ?? reference,
    id: digest,
    manifest: { mediaType, bytes, digest },
    config: first,
    layers: blobs.slice(1),
    index: { platforms, document: { ...value, mediaType } },
  };
}

function distinct(blobs: readonly BundleBlob[]): BundleBlob[] {
  return [...new Map(blobs.map((blob) => [blob.digest, blob])).values()];
}
