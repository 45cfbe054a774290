/**
 * `save` writes the bundle of issue 11, with podman and with docker: one
 * tar that is an OCI image layout (oci-layout, index.json naming each image
 * by its source reference, gzip layers, each blob once however many images
 * share it, config digest = the local image id) plus a manifest.json, so
 * that `podman load` and `docker load` both bring back the original images.
 * GNU tar and the tools themselves judge the file, not our own reader.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../bed/run.ts";
import { uniqueName } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { forget, holdsImage } from "./helpers/fresh-image.ts";
import { testDir, tool, type Tool } from "./helpers/local-tools.ts";
import { sharedLayerImages } from "./helpers/shared-layer-images.ts";

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

const member = (file: string, path: string) => run("tar", ["-xOf", file, path]);
const json = async <T>(file: string, path: string) => JSON.parse(await member(file, path)) as T;
const blobPath = (digest: string) => `blobs/sha256/${digest.slice(7)}`;

describe.each(["podman", "docker"] as const)("save with %s", (saveWith: Tool) => {
  it("writes an OCI layout with gzip layers, each blob once, that podman load and docker load bring back as the originals", async () => {
    const path = uniqueName("bundle");
    const tag = "v1";
    const made = await sharedLayerImages(saveWith, path, tag);
    const bundle = join(testDir(), "bundle.tar");
    expectSuccess(
      await runCli([
        "save",
        "-o",
        bundle,
        "-c",
        saveWith,
        "-p",
        path,
        "-s",
        tag,
        ...made.images.flatMap((image) => ["-i", image]),
      ]),
    );

    const listing = (await run("tar", ["-tf", bundle])).split("\n").filter(Boolean);
    // The layers first, gzipped as the tool's archive streams by; the small files that name their digests last.
    expect(listing.slice(-4)).toEqual(["oci-layout", "index.json", "manifest.json", "push-images-index.json"]);
    expect(await json(bundle, "oci-layout")).toEqual({ imageLayoutVersion: "1.0.0" });
    expect(listing.length, "no member twice").toBe(new Set(listing).size);

    const index = await json<{ manifests: Descriptor[] }>(bundle, "index.json");
    expect(index.manifests.map((m) => m.annotations?.["org.opencontainers.image.ref.name"])).toEqual(made.refs);
    const layerDigests: string[][] = [];
    for (const [i, descriptor] of index.manifests.entries()) {
      const bytes = Buffer.from(await member(bundle, blobPath(descriptor.digest)));
      expect(`sha256:${createHash("sha256").update(bytes).digest("hex")}`).toBe(descriptor.digest);
      const manifest = JSON.parse(bytes.toString()) as { config: Descriptor; layers: Descriptor[] };
      expect(manifest.config.digest, "config digest = the local image id").toBe(made.ids[i]);
      expect(manifest.layers.map((layer) => layer.mediaType)).toEqual([
        "application/vnd.oci.image.layer.v1.tar+gzip",
        "application/vnd.oci.image.layer.v1.tar+gzip",
      ]);
      layerDigests.push(manifest.layers.map((layer) => layer.digest));
    }
    // The shared base layer: the same gzip blob in both images, stored once; 2 manifests + 2 configs + 3 distinct layers.
    expect(layerDigests[0]?.[0]).toBe(layerDigests[1]?.[0]);
    expect(listing.filter((name) => name.startsWith("blobs/sha256/") && name.length > "blobs/sha256/".length)).toHaveLength(7);
    const dir = testDir();
    await run("tar", ["-xf", bundle, "-C", dir, blobPath(layerDigests[0]?.[1] as string)]);
    expect(readFileSync(join(dir, blobPath(layerDigests[0]?.[1] as string))).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));

    const docker = await json<Array<{ Config: string; RepoTags: string[]; Layers: string[] }>>(bundle, "manifest.json");
    expect(docker).toEqual(
      made.refs.map((ref, i) => ({
        Config: blobPath(made.ids[i] as string),
        RepoTags: [ref],
        Layers: (layerDigests[i] ?? []).map(blobPath),
      })),
    );
    const sum = createHash("sha256").update(readFileSync(bundle)).digest("hex");
    expect(readFileSync(`${bundle}.sha256`, "utf8")).toBe(`${sum}  bundle.tar\n`);

    for (const loadWith of ["podman", "docker"] as const) {
      for (const id of made.ids) await forget(loadWith, id);
      await tool(loadWith, ["load", "-i", bundle]);
      for (const id of made.ids) expect(await holdsImage(loadWith, id), `${loadWith} load brought back ${id}`).toBe(true);
      const names = await tool(loadWith, ["image", "inspect", "--format", "{{json .RepoTags}}", ...made.ids]);
      for (const ref of made.refs) expect(names).toMatch(new RegExp(`"(localhost/|docker\\.io/)?${ref}"`));
      for (const id of made.ids) await forget(loadWith, id);
    }
  });
});
