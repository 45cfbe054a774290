/**
 * A bundle whose files contradict each other is refused: index.json,
 * manifest.json and push-images-index.json edited so that a name leads to
 * another image, a manifest.json that is not JSON, a name that only some
 * of a saved bundle's files give. Archives carrying only some of the files
 * (a plain OCI layout, a docker-archive) are checked on what they carry.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openBundle } from "../../src/bundle/open-bundle.ts";
import { bundleRefusal, dockerArchive, ociBundle, quietLog, scratchDir } from "./bundle-fixtures.ts";

const REFS = ["apim/apim-le-toolkit:v6.0.0", "apim/apim-le-trafficmanager:v6.0.0"];
const open = (file: string) => openBundle(file, { log: quietLog });

/** Rewrites a JSON file of the layout through `change`. */
function editJson(file: string, change: (value: any) => unknown): void {
  writeFileSync(file, JSON.stringify(change(JSON.parse(readFileSync(file, "utf8")))));
}

/** Swaps the first two elements of a list, in place. */
function swap<T>(list: T[], key: keyof T): void {
  const [a, b] = [list[0] as T, list[1] as T];
  [a[key], b[key]] = [b[key], a[key]];
}

const refusal = async (file: string) => (await bundleRefusal(open(file))).message;

describe("a bundle save wrote", () => {
  it("is read when its three files agree", async () => {
    const { file } = await ociBundle(scratchDir(), REFS, 3000, { asSaved: true });
    expect((await open(file)).images.map((image) => image.reference)).toEqual(REFS);
  });

  it("refuses index.json with two images' manifests swapped, naming the image and both files", async () => {
    const edit = (root: string) => editJson(join(root, "index.json"), (index) => (swap(index.manifests, "digest"), index));
    const { file } = await ociBundle(scratchDir(), REFS, 3000, { asSaved: true, edit });
    const message = await refusal(file);
    expect(message).toContain(REFS[0]);
    expect(message).toMatch(/index\.json.*(manifest\.json|push-images-index\.json)/);
  });

  it("refuses manifest.json with two images' configs swapped", async () => {
    const edit = (root: string) => editJson(join(root, "manifest.json"), (list) => (swap(list, "Config"), list));
    const { file } = await ociBundle(scratchDir(), REFS, 3000, { asSaved: true, edit });
    expect(await refusal(file)).toMatch(/about apim\/apim-le-\w+:v6\.0\.0: index\.json gives it the config .*manifest\.json/);
  });

  it("refuses push-images-index.json that gives an image another manifest", async () => {
    const edit = (root: string) => editJson(join(root, "push-images-index.json"), (own) => (swap(own.images, "manifest"), own));
    const { file } = await ociBundle(scratchDir(), REFS, 3000, { asSaved: true, edit });
    expect(await refusal(file)).toMatch(/index\.json gives it the manifest .*push-images-index\.json/);
  });

  it("refuses a manifest.json that is not JSON", async () => {
    const edit = (root: string) => writeFileSync(join(root, "manifest.json"), "not json at all");
    const { file } = await ociBundle(scratchDir(), REFS, 3000, { asSaved: true, edit });
    expect(await refusal(file)).toContain("manifest.json that is not valid JSON");
  });

  it("refuses a name that manifest.json gives and index.json does not", async () => {
    const edit = (root: string) =>
      editJson(join(root, "manifest.json"), (list) => {
        list[0].RepoTags.push("apim/apim-le-cache:v6.0.0");
        return list;
      });
    const { file } = await ociBundle(scratchDir(), REFS, 3000, { asSaved: true, edit });
    expect(await refusal(file)).toContain("names apim/apim-le-cache:v6.0.0 in manifest.json but not in index.json");
  });
});

describe("archives that carry only some of the files", () => {
  it("an OCI layout without manifest.json: index.json alone, a name given twice to two images refused", async () => {
    const { file } = await ociBundle(scratchDir(), REFS);
    expect((await open(file)).images).toHaveLength(2);
    const edit = (root: string) =>
      editJson(join(root, "index.json"), (index) => {
        index.manifests[1].annotations["org.opencontainers.image.ref.name"] = REFS[0];
        return index;
      });
    const { file: twice } = await ociBundle(scratchDir(), REFS, 3000, { edit });
    expect(await refusal(twice)).toContain(`index.json gives it two manifests`);
  });

  it("a docker-archive: manifest.json alone, read as before", async () => {
    const { file } = await dockerArchive(scratchDir(), REFS);
    expect((await open(file)).images.map((image) => image.reference)).toEqual(REFS);
  });
});
