/**
 * The images of a plain `docker save` / `podman save` docker-archive:
 * manifest.json lists each image's config and uncompressed layer tars. The
 * config's name is the image id and its rootfs.diff_ids give each layer's
 * digest, so every byte is checked too (a layer as it is read). Layers go to the registry
 * compressed on the way (`uploadAsStored: false`), with a manifest the
 * uploader writes.
 */
import { basename } from "node:path";
import type { BlobRead } from "./blob-check.ts";
import type { BundleImage } from "./bundle.ts";
import { shortReference, type BundleContents } from "./bundle-blobs.ts";
import { resolveEntry } from "./tar-index.ts";

const CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
const LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar";

interface ManifestEntry {
  Config?: string;
  RepoTags?: string[] | null;
  Layers?: string[];
}

export async function readDockerArchive(contents: BundleContents): Promise<BundleImage[]> {
  const { value: manifest } = await contents.json<ManifestEntry[]>(
    contents.member("manifest.json", "its manifest.json"),
    "a manifest.json",
  );
  if (!Array.isArray(manifest)) throw contents.invalid("has a manifest.json that is not a list of images");
  return (await Promise.all(manifest.map((image) => readImage(contents, image)))).flat();
}

/** One BundleImage per name the archive gives the image (its id when it has none). */
async function readImage(contents: BundleContents, image: ManifestEntry): Promise<BundleImage[]> {
  const names = (image.RepoTags ?? []).map(shortReference);
  const what = names[0] ?? image.Config ?? "an image";
  const configEntry =
    resolveEntry(contents.index.entries, image.Config ?? "") ??
    contents.member(image.Config ?? "", `the config ${image.Config} of ${what}`);
  const named = /^([0-9a-f]{64})(\.json)?$/.exec(basename(image.Config ?? ""))?.[1];
  const { value: config, digest: configDigest } = await contents.json<{ rootfs?: { diff_ids?: string[] } }>(
    configEntry,
    `the config of ${what}`,
  );
  const configDamaged = (digest: string) =>
    named !== undefined && digest !== `sha256:${named}`
      ? contents.invalid(`has a damaged config ${image.Config} of ${what}${contents.where(configEntry)}: it hashes to ${digest}`)
      : undefined;
  const damagedNow = configDamaged(configDigest);
  if (damagedNow) throw damagedNow;
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== (image.Layers ?? []).length)
    throw contents.invalid(`has ${what} whose config lists ${diffIds.length} layers, not ${image.Layers?.length ?? 0}`);
  const layers = (image.Layers ?? []).map((path, i) => {
    const entry = resolveEntry(contents.index.entries, path) ?? contents.member(path, `layer ${path} of ${what}`);
    const diffId = String(diffIds[i]);
    // A plain layer's digest is its diff_id: checked as it is read for its upload.
    const judge = ({ digest }: BlobRead) =>
      digest === diffId
        ? undefined
        : contents.invalid(
            `has a damaged layer ${path} of ${what}${contents.where(entry)}: it hashes to ${digest}, not ${diffId}`,
          );
    return contents.blob(entry, { digest: diffId, mediaType: LAYER_TYPE, uploadAsStored: false }, judge);
  });
  const configBlob = contents.blob(
    configEntry,
    { digest: configDigest, mediaType: CONFIG_TYPE, uploadAsStored: true },
    ({ digest }) =>
      configDamaged(digest) ??
      (digest === configDigest
        ? undefined
        : contents.invalid(`has a config ${image.Config} of ${what} that changed while it was read`)),
  );
  const id = configBlob.digest;
  return (names.length > 0 ? names : [id]).map((reference) => ({ reference, id, config: configBlob, layers }));
}
