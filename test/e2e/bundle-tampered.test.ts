/**
 * A bundle that disagrees with itself pushes nothing. A real two-image
 * bundle from `save` is unpacked with GNU tar, edited as a careless copy or
 * an attacker would, and packed again with no `.sha256` beside it: the two
 * manifests swapped in index.json, manifest.json swapped or not JSON,
 * push-images-index.json contradicting index.json, and a layer replaced,
 * with every digest made to match, by one its config's diff_ids do not
 * list. Each: exit 1, ARCHIVE_INVALID naming the image and what disagrees,
 * and not one request to the registry (its own access log); the layer is
 * found out as it is sent, so there: no manifest, and the layer never
 * completed at the registry. Once, the swapped index.json pushed the
 * traffic manager as apim-le-toolkit.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "../bed/run.ts";
import { blobsCompleted, manifestPuts, requestsUnder } from "./helpers/access-log.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { testDir } from "./helpers/local-tools.ts";

const bed = useBed();
const { plain } = bed.registries;
const IMAGES = ["apim-le-toolkit", "apim-le-trafficmanager"];
const MEMBERS = ["oci-layout", "index.json", "manifest.json", "push-images-index.json", "blobs"];
let unpacked: string;

const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const blobFile = (root: string, digest: string) => join(root, "blobs", "sha256", digest.slice(7));

beforeAll(async () => {
  const bundle = join(testDir(), "two.tar");
  expectSuccess(await runCli(["save", "-o", bundle, "-c", "podman", ...IMAGES.flatMap((image) => ["-i", image])]));
  unpacked = join(testDir(), "unpacked");
  mkdirSync(unpacked);
  await run("tar", ["-xf", bundle, "-C", unpacked]);
});

/** A copy of the bundle with `edit` applied to its unpacked files, packed again by GNU tar (no .sha256 beside). */
async function tampered(edit: (root: string) => void): Promise<string> {
  const root = join(testDir(), "copy");
  await run("cp", ["-a", unpacked, root]);
  edit(root);
  const file = join(testDir(), "tampered.tar");
  await run("tar", ["-cf", file, "-C", root, ...MEMBERS]);
  return file;
}

function editJson(file: string, change: (value: any) => void): void {
  const value = JSON.parse(readFileSync(file, "utf8"));
  change(value);
  writeFileSync(file, JSON.stringify(value));
}

/** Swaps `key` between the first two elements of `list`. */
function swap(list: any[], key: string): void {
  [list[0][key], list[1][key]] = [list[1][key], list[0][key]];
}

/**
 * Pushes the bundle engine-less; expects ARCHIVE_INVALID and no request at
 * all under the run's path (a layer, checked as it is sent: no manifest,
 * and the layer never completed at the registry). Returns the error.
 */
async function expectRefused(file: string, layer?: string): Promise<string> {
  const path = uniqueName();
  const r = await runCli(["--from-archive", file, "-r", `${plain.host}/${path}`, "-t"], { env: { PATH: enginelessPath() } });
  const error = expectError(r, EXIT.failed, "ARCHIVE_INVALID");
  const requests = requestsUnder(plain, path);
  if (!layer) expect(requests, "requests the registry was sent").toEqual([]);
  // The image the layer belongs to gets no manifest; the other image of the bundle may be pushed.
  const image = /of apim\/(apim-le-\w+):v6\.0\.0/.exec(error)?.[1] ?? "";
  expect(
    manifestPuts(requests).filter((put) => put.path.startsWith(`/v2/${path}/${image}/`)),
    "manifests pushed",
  ).toEqual([]);
  expect(blobsCompleted(requests), "blobs the registry completed").not.toContain(layer);
  return error;
}

describe.concurrent("a bundle whose files disagree", () => {
  it("index.json with the two manifests swapped: refused, naming the image, index.json and the file it contradicts", async () => {
    const file = await tampered((root) => editJson(join(root, "index.json"), (index) => swap(index.manifests, "digest")));
    const error = await expectRefused(file);
    expect(error).toMatch(/about apim\/apim-le-(toolkit|trafficmanager):v6\.0\.0: index\.json gives it the \w+ sha256:/);
    expect(error).toMatch(/, (manifest\.json|push-images-index\.json) the \w+ sha256:/);
  });

  it("manifest.json with the two configs swapped: refused", async () => {
    const file = await tampered((root) => editJson(join(root, "manifest.json"), (list) => swap(list, "Config")));
    expect(await expectRefused(file)).toMatch(/index\.json gives it the config sha256:\w+, manifest\.json the config/);
  });

  it("manifest.json that is not JSON: refused", async () => {
    const file = await tampered((root) => writeFileSync(join(root, "manifest.json"), "[{ not json"));
    expect(await expectRefused(file)).toContain("manifest.json that is not valid JSON");
  });

  it("push-images-index.json giving an image the other's manifest: refused", async () => {
    const file = await tampered((root) => editJson(join(root, "push-images-index.json"), (own) => swap(own.images, "manifest")));
    expect(await expectRefused(file)).toMatch(
      /index\.json gives it the manifest sha256:\w+, push-images-index\.json the manifest/,
    );
  });

  it("a layer that does not match its config's diff_ids, every digest made to match: refused as it is sent, naming the layer", async () => {
    let replaced = "";
    const file = await tampered((root) => {
      const index = JSON.parse(readFileSync(join(root, "index.json"), "utf8"));
      const manifestDigest: string = index.manifests[0].digest;
      const manifest = JSON.parse(readFileSync(blobFile(root, manifestDigest), "utf8"));
      const last = manifest.layers.length - 1;
      const old: string = manifest.layers[last].digest;
      // Another layer's content, gzipped: a sound gzip blob that is not what the config lists.
      const layer = gzipSync(Buffer.from("a layer the config does not list\n".repeat(1000)));
      replaced = sha256(layer);
      writeFileSync(blobFile(root, replaced), layer);
      manifest.layers[last] = { ...manifest.layers[last], digest: replaced, size: layer.length };
      const bytes = Buffer.from(JSON.stringify(manifest));
      writeFileSync(blobFile(root, sha256(bytes)), bytes);
      index.manifests[0] = { ...index.manifests[0], digest: sha256(bytes), size: bytes.length };
      writeFileSync(join(root, "index.json"), JSON.stringify(index));
      editJson(join(root, "push-images-index.json"), (own) => {
        for (const image of own.images) if (image.manifest === manifestDigest) image.manifest = sha256(bytes);
      });
      editJson(join(root, "manifest.json"), (list) => {
        for (const image of list)
          image.Layers = image.Layers.map((path: string) =>
            path.endsWith(old.slice(7)) ? `blobs/sha256/${replaced.slice(7)}` : path,
          );
      });
    });
    const error = await expectRefused(file, replaced);
    expect(error).toMatch(
      new RegExp(`layer \\d+ \\(${replaced}\\) of apim/apim-le-\\w+:v6\\.0\\.0 that does not match its config`),
    );
    expect(error).toContain("the config's diff_ids say sha256:");
  });
});
