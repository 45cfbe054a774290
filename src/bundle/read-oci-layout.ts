/**
 * The images of an OCI image layout in a tar (what `push-images save`
 * writes; also `docker save` from docker 25 on): index.json names each
 * manifest, and each blob sits at `blobs/sha256/<hex>`. Every blob an image
 * needs must be there whole with the digest its descriptor gives: the
 * manifests and configs are hashed here, the layers when they are read
 * (src/bundle/bundle-blobs.ts).
 */
import type { BlobRead } from "./blob-check.ts";
import type { BundleImage } from "./bundle.ts";
import { diffIdMismatch, diffIdsOf, inflates } from "./diff-ids.ts";
import { shortReference, type BundleContents } from "./bundle-blobs.ts";
import type { TarEntry } from "./tar-index.ts";
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
          document: (child, what) => checkedDocument(contents, child, what),
        })
      : readImage(contents, descriptor, reference, referenceOf(descriptor));
    images.push(await read);
  }
  return images;
}

/** One image manifest the layout holds, with its config and layers; the layers are checked as they are read. */
async function readImage(
  contents: BundleContents,
  descriptor: Descriptor,
  reference: string,
  name: string | undefined,
): Promise<BundleImage> {
  const manifestWhat = `the manifest of ${reference}`;
  const manifestEntry = located(contents, descriptor, manifestWhat);
  const { value: manifest, bytes, digest } = await checkedDocument<Manifest>(contents, descriptor, manifestWhat, manifestEntry);
  const mediaType = manifest.mediaType ?? descriptor.mediaType ?? "";
  if (!MANIFEST_TYPES.includes(mediaType) || !manifest.config || !Array.isArray(manifest.layers)) {
    throw contents.invalid(`has a manifest for ${reference} that is not an image manifest (${mediaType || "no media type"})`);
  }
  const config = await configBlob(contents, manifest.config, `the config of ${reference}`);
  const diffIds = await diffIdsOf(contents, reference, config.entry, manifest.layers.length);
  const layers = manifest.layers.map((layer, i) => {
    const what = `layer ${i + 1} (${layer.digest}) of ${reference}`;
    const entry = located(contents, layer, what);
    const stored = { mediaType: layer.mediaType ?? "", digest: layer.digest ?? "", entry };
    const judge = (read: BlobRead) =>
      read.digest !== stored.digest
        ? damaged(contents, layer, what, entry, read.digest)
        : diffIdMismatch(contents, `${what}${contents.where(entry)}`, stored, read.plain, diffIds[i]);
    const uploadAsStored = !UNCOMPRESSED.test(stored.mediaType);
    return contents.blob(entry, { digest: stored.digest, mediaType: stored.mediaType, uploadAsStored }, judge, inflates(stored));
  });
  const asStored = layers.every((layer) => layer.uploadAsStored);
  return {
    reference: name ?? "",
    id: config.blob.digest,
    manifest: asStored ? { mediaType, bytes, digest } : undefined,
    config: config.blob,
    layers,
  };
}

/** A small document (a manifest, an index), read whole and checked against its digest now. */
async function checkedDocument<T>(
  contents: BundleContents,
  descriptor: Descriptor,
  what: string,
  entry = located(contents, descriptor, what),
) {
  const read = await contents.json<T>(entry, what);
  if (read.digest !== descriptor.digest) throw damaged(contents, descriptor, what, entry, read.digest);
  return read;
}

/** containerd's full name (docker 25) when there, else the OCI ref.name (push-images save and podman put the full name there). */
function referenceOf(descriptor: Descriptor): string | undefined {
  const annotations = descriptor.annotations ?? {};
  const name = annotations["io.containerd.image.name"] ?? annotations["org.opencontainers.image.ref.name"];
  return name === undefined ? undefined : shortReference(name);
}

/** The config, its bytes checked against its digest now (it is small and read anyway). */
async function configBlob(contents: BundleContents, descriptor: Descriptor, what: string) {
  const entry = located(contents, descriptor, what);
  const { digest } = await contents.json(entry, what);
  const judge = (read: BlobRead) =>
    read.digest === descriptor.digest ? undefined : damaged(contents, descriptor, what, entry, read.digest);
  if (digest !== descriptor.digest) throw judge({ digest }) as Error;
  const described = { digest: digest, mediaType: descriptor.mediaType ?? "", uploadAsStored: true };
  return { entry, blob: contents.blob(entry, described, judge) };
}

/** The descriptor's blob, present and of the size it gives; else an error naming it and its image. */
function located(contents: BundleContents, descriptor: Descriptor, what: string): TarEntry {
  const match = /^sha256:([0-9a-f]{64})$/.exec(descriptor.digest ?? "");
  if (!match) throw contents.invalid(`names ${what} by a digest that is not sha256:<hex>: ${descriptor.digest}`);
  const entry = contents.member(`blobs/sha256/${match[1]}`, `blob ${descriptor.digest}, ${what}`);
  if (descriptor.size !== undefined && entry.size !== descriptor.size)
    throw contents.invalid(
      `has a damaged blob ${descriptor.digest}, ${what}${contents.where(entry)}: it is ${entry.size} bytes, not ${descriptor.size}`,
    );
  return entry;
}

/** ARCHIVE_INVALID naming a blob whose bytes hash to `actual`, not to its digest. */
function damaged(contents: BundleContents, descriptor: Descriptor, what: string, entry: TarEntry, actual: string) {
  return contents.invalid(
    `has a damaged blob ${descriptor.digest}, ${what}${contents.where(entry)}: its ${entry.size} bytes hash to ${actual}` +
      ` (expected ${descriptor.size ?? "?"} bytes)`,
  );
}
