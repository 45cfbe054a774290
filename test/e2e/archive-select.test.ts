/**
 * `save -i`: the archive holds only the chosen images, both in what
 * podman and docker load (manifest.json) and in push-images' index, each
 * under its source name with the local image's id. Read with GNU tar.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { testDir } from "./helpers/local-tools.ts";
import { archiveIndex, archiveManifest, shortName } from "./helpers/archive-inspect.ts";

const bed = useBed();
const apim = bed.images.defaults;
const two = ["apim-le-toolkit", "apim-le-trafficmanager"];

describe.concurrent.each([
  { tool: "podman", ids: apim.podmanIds },
  { tool: "docker", ids: apim.dockerIds },
] as const)("save -c $tool -i", ({ tool, ids }) => {
  it("holds only the chosen images", async () => {
    const archive = join(testDir(), "two.tar");
    expectSuccess(await runCli(["save", "-o", archive, "-c", tool, ...two.flatMap((i) => ["-i", i])]));
    const refs = two.map((image) => `${apim.path}/${image}:${apim.tag}`);

    const manifest = await archiveManifest(archive);
    const byName = new Map(manifest.flatMap((entry) => (entry.RepoTags ?? []).map((ref) => [shortName(ref), entry] as const)));
    expect([...byName.keys()].sort(), "names in manifest.json").toEqual([...refs].sort());
    for (const [i, image] of two.entries()) {
      // The config file is named by its digest, which is the image id.
      expect(byName.get(refs[i] ?? "")?.Config, `config of ${image}`).toContain((ids[image] ?? "").replace("sha256:", ""));
    }

    const index = await archiveIndex(archive);
    expect(index.images.map(({ image, reference, id }) => ({ image, reference, id }))).toEqual(
      two.map((image, i) => ({ image, reference: refs[i], id: ids[image] })),
    );
    expect(index.writer).toContain(tool);
  });
});
