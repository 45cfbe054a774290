/**
 * A bundle's multi-platform image at the registry: each chosen platform's
 * manifest by its digest (its blobs are placed before), then the index
 * last under the tag. With every platform, the index goes as stored, so
 * its digest is kept; with some, an index of just those; with one, that
 * platform's image itself.
 */
import type { BundleBlob, BundleImage, BundlePlatformImage } from "../bundle/bundle.ts";
import { choosePlatforms, type ImageIndex, type Platform } from "../core/platforms.ts";

type Manifest = { readonly mediaType: string; readonly bytes: Buffer };
type Put = (at: string, manifest: Manifest) => Promise<string | undefined>;

/**
 * What a bundle image's push sends: its distinct blobs (of the chosen
 * platforms, for a multi-platform image), and for such an image what puts
 * the manifests and the index once the blobs are placed.
 */
export function sendPlan(
  image: BundleImage,
  wanted: readonly Platform[],
): { blobs: BundleBlob[]; putIndex?: (tag: string, put: Put) => Promise<string | undefined> } {
  if (!image.index) return { blobs: distinct([image.config, ...image.layers]) };
  const chosen = chosenPlatforms(image, wanted);
  const blobs = distinct(chosen.flatMap((entry) => [entry.image.config, ...entry.image.layers]));
  return { blobs, putIndex: (tag, put) => putIndex(image, chosen, tag, put) };
}

/** Each blob once, by digest. */
export function distinct(blobs: readonly BundleBlob[]): BundleBlob[] {
  return [...new Map(blobs.map((blob) => [blob.digest, blob])).values()];
}

/** The platforms of `image` that --platform keeps (PLATFORM_MISSING when one asked for is not there). */
export function chosenPlatforms(image: BundleImage, wanted: readonly Platform[]): BundlePlatformImage[] {
  return choosePlatforms(image.index?.platforms ?? [], wanted, image.reference);
}

/** The image's index as the core sees it (platforms, image ids), or undefined for a single-platform image. */
export function bundleImageIndex(image: BundleImage | undefined, wanted: readonly Platform[]): ImageIndex | undefined {
  if (!image?.index) return undefined;
  const entryOf = ({ platform, image: one }: BundlePlatformImage) => ({ platform, digest: one.manifest.digest, id: one.id });
  return { platforms: image.index.platforms.map(entryOf), chosen: chosenPlatforms(image, wanted).map(entryOf) };
}

/** PUTs the chosen platforms' manifests, then what the tag names; the tag's digest, as the registry gives it. */
async function putIndex(
  image: BundleImage,
  chosen: readonly BundlePlatformImage[],
  tag: string,
  put: Put,
): Promise<string | undefined> {
  const { index, manifest } = image;
  for (const { image: one } of chosen) await put(one.manifest.digest, one.manifest);
  const [only] = chosen;
  if (chosen.length === 1 && only) return (await put(tag, only.image.manifest)) ?? only.image.manifest.digest;
  if (index && manifest && chosen.length === index.platforms.length) return (await put(tag, manifest)) ?? manifest.digest;
  const document = { ...index?.document, manifests: chosen.map((entry) => entry.descriptor) };
  return put(tag, { mediaType: manifest?.mediaType ?? "", bytes: Buffer.from(JSON.stringify(document)) });
}
