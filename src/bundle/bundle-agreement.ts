/**
 * A bundle's files must agree with each other before anything is sent.
 * `index.json` (what podman, skopeo and --from-archive read), `manifest.json`
 * (what `docker load` reads) and `push-images-index.json` (what `save`
 * wrote) each name the images; an edited copy where one of them points a
 * name at another image would push, or load, the wrong image under a
 * product name. Each name any two files give must lead to the same
 * manifest, config and layers; a bundle `save` wrote must name the same
 * images in all three. Archives of docker, podman or skopeo are checked on
 * the files they carry.
 */
import type { BundleImage } from "./bundle.ts";
import type { BundleContents } from "./bundle-blobs.ts";
import { resolveEntry } from "./tar-index.ts";

/** What one file says an image is: the digests it leads to (those the file can say). */
interface Claim {
  readonly manifest?: string;
  readonly config?: string;
  readonly layers?: readonly string[];
}

/** One file's claims by name; `complete` when every name of the bundle must be in it. */
interface Claims {
  readonly file: string;
  readonly byName: ReadonlyMap<string, Claim>;
  readonly complete: boolean;
}

const PUSH_IMAGES_INDEX = "push-images-index.json";

/** Throws ARCHIVE_INVALID naming the image and the two files that disagree about it. */
export async function checkAgreement(contents: BundleContents, images: readonly BundleImage[], layout: boolean): Promise<void> {
  const ours = contents.index.entries.has(PUSH_IMAGES_INDEX);
  const claims: Claims[] = [];
  if (layout) claims.push({ file: "index.json", byName: fromImages(contents, "index.json", images), complete: ours });
  if (contents.index.entries.has("manifest.json"))
    claims.push({ file: "manifest.json", byName: await fromDockerManifest(contents), complete: ours });
  if (ours) claims.push({ file: PUSH_IMAGES_INDEX, byName: await fromOwnIndex(contents), complete: true });
  for (const [i, first] of claims.entries()) for (const second of claims.slice(i + 1)) compare(contents, first, second);
}

function compare(contents: BundleContents, a: Claims, b: Claims): void {
  for (const [one, other] of [
    [a, b],
    [b, a],
  ] as const) {
    for (const [name, claim] of one.byName) {
      const said = other.byName.get(name);
      if (!said) {
        if (other.complete) throw contents.invalid(`names ${name} in ${one.file} but not in ${other.file}`);
        continue;
      }
      const differs = difference(claim, said);
      if (differs)
        throw contents.invalid(
          `disagrees with itself about ${name}: ${one.file} gives it the ${differs.what} ${differs.one}, ` +
            `${other.file} the ${differs.what} ${differs.other}`,
        );
    }
  }
}

function difference(one: Claim, other: Claim): { what: string; one: string; other: string } | undefined {
  if (one.manifest && other.manifest && one.manifest !== other.manifest)
    return { what: "manifest", one: one.manifest, other: other.manifest };
  if (one.config && other.config && one.config !== other.config) return { what: "config", one: one.config, other: other.config };
  if (one.layers && other.layers && one.layers.join() !== other.layers.join())
    return { what: "layers", one: one.layers.join(", "), other: other.layers.join(", ") };
  return undefined;
}

/** The names the reader found, each once: a name given twice to different images is a disagreement within the file. */
function fromImages(contents: BundleContents, file: string, images: readonly BundleImage[]): Map<string, Claim> {
  const byName = new Map<string, Claim>();
  for (const image of images) {
    if (!image.reference || image.reference === image.id) continue;
    // A multi-platform image is its index: the platforms' images are checked as the index's digest holds them.
    const claim: Claim = image.index
      ? { manifest: image.manifest?.digest }
      : { manifest: image.manifest?.digest, config: image.config.digest, layers: image.layers.map((layer) => layer.digest) };
    addClaim(contents, byName, file, comparable(image.reference), claim);
  }
  return byName;
}

function addClaim(contents: BundleContents, byName: Map<string, Claim>, file: string, name: string, claim: Claim): void {
  const earlier = byName.get(name);
  const differs = earlier && difference(earlier, claim);
  if (differs)
    throw contents.invalid(
      `disagrees with itself about ${name}: ${file} gives it two ${differs.what}s, ${differs.one} and ${differs.other}`,
    );
  byName.set(name, claim);
}

/** manifest.json's names, each leading to the config and layers its paths hold (the digests their paths name, or their hashes). */
async function fromDockerManifest(contents: BundleContents): Promise<Map<string, Claim>> {
  const { value } = await contents.json<unknown>(contents.member("manifest.json", "its manifest.json"), "a manifest.json");
  if (!Array.isArray(value)) throw contents.invalid("has a manifest.json that is not a list of images");
  const byName = new Map<string, Claim>();
  for (const item of value as Array<{ Config?: unknown; RepoTags?: unknown; Layers?: unknown }>) {
    const names = Array.isArray(item?.RepoTags) ? item.RepoTags.filter((name) => typeof name === "string") : [];
    const what = `${names[0] ?? "an image"} in manifest.json`;
    if (typeof item?.Config !== "string" || !Array.isArray(item.Layers))
      throw contents.invalid(`has a manifest.json entry for ${names[0] ?? "an image"} without a Config and Layers`);
    const digestOf = async (path: unknown, part: string) => {
      const entry = typeof path === "string" ? resolveEntry(contents.index.entries, path) : undefined;
      if (!entry) throw contents.invalid(`${contents.cutShort()}lacks ${part} ${String(path)} of ${what}`);
      // Unhashed and not named by its digest (a docker-archive's layer.tar): the member itself is the claim.
      const claimed = contents.claimedDigest(entry);
      if (claimed !== undefined) return claimed;
      return part === "the config" ? (await contents.json(entry, `${part} of ${what}`)).digest : `the member ${entry.path}`;
    };
    const claim = {
      config: await digestOf(item.Config, "the config"),
      layers: await Promise.all(item.Layers.map((path) => digestOf(path, "the layer"))),
    };
    for (const name of names) addClaim(contents, byName, "manifest.json", comparable(name), claim);
  }
  return byName;
}

/** push-images-index.json: each image's source reference, manifest and image id (its config; a multi-platform image's: its index). */
async function fromOwnIndex(contents: BundleContents): Promise<Map<string, Claim>> {
  const { value } = await contents.json<{ images?: unknown }>(
    contents.member(PUSH_IMAGES_INDEX, `its ${PUSH_IMAGES_INDEX}`),
    `a ${PUSH_IMAGES_INDEX}`,
  );
  if (!Array.isArray(value?.images)) throw contents.invalid(`has a ${PUSH_IMAGES_INDEX} without a list of images`);
  const byName = new Map<string, Claim>();
  for (const item of value.images as Array<{ reference?: unknown; id?: unknown; manifest?: unknown }>) {
    if (typeof item?.reference !== "string" || typeof item.id !== "string" || typeof item.manifest !== "string")
      throw contents.invalid(`has a ${PUSH_IMAGES_INDEX} entry without a reference, id and manifest`);
    // A multi-platform image's id is its index (no config): manifest.json names one platform's config for it.
    const claim = item.id === item.manifest ? { manifest: item.manifest } : { manifest: item.manifest, config: item.id };
    addClaim(contents, byName, PUSH_IMAGES_INDEX, comparable(item.reference), claim);
  }
  return byName;
}

/**
 * One spelling per name across the files: docker writes `foo:1` in
 * manifest.json and `docker.io/library/foo:1` in index.json; podman puts
 * `localhost/` before a name with no registry.
 */
function comparable(name: string): string {
  return name.replace(/^(localhost\/|docker\.io\/)/, "").replace(/^library\//, "");
}
