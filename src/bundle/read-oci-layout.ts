/**
 * The images of an OCI image layout in a tar (what `push-images save`
 * writes; also `docker save` from docker 25 on): index.json names each
 * manifest, and each blob sits at `blobs/sha256/<hex>`. Every blob an image
 * needs must be there whole with the digest its descriptor gives.
 */
import type { BundleImage } from "./bundle.ts";
import { checkDiffIds } from "./diff-ids.ts";
import { shortReference, type BundleContents } from "./bundle-blobs.ts";
import { readIndexImage } from "./read-oci-index.ts";

const MANIFEST_TYPES = ["application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"];
const INDEX_TYPES = ["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"];
/** Layer types stored uncompressed (docker 25's save): the uploader compresses them, so the manifest is rewritten. */
const UNCOMPRESSED = /^application\/vnd\.(oci\.image\.layer\.v1\.tar|docker\.image\.rootfs\.diff\.tar)$/;

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  annotations?: Record<string, string>;
}

interface Manifest {
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
}

export async function readOciLayout(contents: BundleContents): Promise<BundleImage[]> {
  const { value: index } = await contents.json<{ manifests?: Descriptor[] }>(
    contents.member("index.json", "its index.json"),
    "an index.json",
  );
  if (!Array.isArray(index.manifests)) throw contents.invalid("has an index.json without a list of manifests");
  const images: BundleImage[] = [];
  for (const [position, descriptor] of index.manifests.entries()) {
    const reference = referenceOf(descriptor) ?? `image ${position + 1} of index.json`;
    const read = INDEX_TYPES.includes(descriptor.mediaType ?? "")
      ? readIndexImage(contents, descriptor, reference, {
          image: (child, what) => readImage(contents, child, what, referenceOf(descriptor)),
          checked: (child, what) => checked(contents, child, what),
        })
      : readImage(contents, descriptor, reference, referenceOf(descriptor));
    images.push(await read);
  }
  return images;
}

/** One image manifest the layout holds, with its config and layers, every blob checked. */
async function readImage(
  contents: BundleContents,
  descriptor: Descriptor,
  reference: string,
  name: string | undefined,
): Promise<BundleImage> {
  const manifestEntry = checked(contents, descriptor, `the manifest of ${reference}`);
  const { value: manifest, bytes } = await contents.json<Manifest>(manifestEntry, `the manifest of ${reference}`);
  const mediaType = manifest.mediaType ?? descriptor.mediaType ?? "";
  if (!MANIFEST_TYPES.includes(mediaType) || !manifest.config || !Array.isArray(manifest.layers)) {
    throw contents.invalid(`has a manifest for ${reference} that is not an image manifest (${mediaType || "no media type"})`);
  }
  const configEntry = checked(contents, manifest.config, `the config of ${reference}`);
  const config = contents.blob(configEntry, manifest.config.mediaType ?? "", true);
  const layerEntries = manifest.layers.map((layer, i) => ({
    mediaType: layer.mediaType ?? "",
    digest: layer.digest ?? "",
    entry: checked(contents, layer, `layer ${i + 1} (${layer.digest}) of ${reference}`),
  }));
  await checkDiffIds(contents, reference, configEntry, layerEntries);
  const layers = layerEntries.map(({ mediaType, entry }) => contents.blob(entry, mediaType, !UNCOMPRESSED.test(mediaType)));
  const asStored = layers.every((layer) => layer.uploadAsStored);
  return {
    reference: name ?? "",
    id: config.digest,
    manifest: asStored ? { mediaType, bytes, digest: manifestEntry.digest ?? "" } : undefined,
    config,
    layers,
  };
}

/** containerd's full name (docker 25) when there, else the OCI ref.name (push-images save and podman put the full name there). */
function referenceOf(descriptor: Descriptor): string | undefined {
  const annotations = descriptor.annotations ?? {};
  const name = annotations["io.containerd.image.name"] ?? annotations["org.opencontainers.image.ref.name"];
  return name === undefined ? undefined : shortReference(name);
}

/** The descriptor's blob, present, whole and hashing to its digest; else an error naming it and its image. */
function checked(contents: BundleContents, descriptor: Descriptor, what: string) {
  const match = /^sha256:([0-9a-f]{64})$/.exec(descriptor.digest ?? "");
  if (!match) throw contents.invalid(`names ${what} by a digest that is not sha256:<hex>: ${descriptor.digest}`);
  const entry = contents.member(`blobs/sha256/${match[1]}`, `blob ${descriptor.digest}, ${what}`);
  if (entry.digest !== descriptor.digest || (descriptor.size !== undefined && entry.size !== descriptor.size)) {
    throw contents.invalid(
      `has a damaged blob ${descriptor.digest}, ${what}${contents.where(entry)}: its ${entry.size} bytes hash to ${entry.digest}` +
        ` (expected ${descriptor.size ?? "?"} bytes)`,
    );
  }
  return entry;
}
