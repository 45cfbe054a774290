/**
 * The air-gapped workflow with each tool: `push-images save` with podman
 * or docker, then `--from-archive` on a host with neither (a PATH without
 * them). Between the two, the images' tag is removed from local storage,
 * so the push can only have them from the bundle; the registry must then
 * hold the ORIGINAL images (config digest = the id the bed recorded for the
 * tool that saved them).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed } from "./helpers/expect-registry.ts";
import { testDir } from "./helpers/local-tools.ts";
import { refsWithTag, removeTag, tagCopies } from "./helpers/archive-tags.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;

describe.each([
  { saveWith: "podman", ids: apim.podmanIds },
  { saveWith: "docker", ids: apim.dockerIds },
] as const)("save with $saveWith, push with no engine", ({ saveWith, ids }) => {
  it("every image arrives as the original", async () => {
    const tag = uniqueName("s");
    try {
      await tagCopies(saveWith, bed.productImages, tag);
      const archive = join(testDir(), "apim-images.tar");
      expectSuccess(await runCli(["save", "-o", archive, "-c", saveWith, "-s", tag]));
      await removeTag(tag);
      expect(await refsWithTag(tag), "the images are only in the bundle now").toEqual([]);

      const path = uniqueName();
      const r = await runCli(["--from-archive", archive, "-r", `${plain.host}/${path}`, "-t", "-s", tag], {
        env: { PATH: enginelessPath() },
      });
      expectSuccess(r);
      // Node.js prints its own warnings as "(node:PID) ...Warning: ..."; an operator must see none.
      expect(r.stderr).not.toMatch(/\(node:\d+\)/);
      await expectPushed(plain, path, tag, ids);
      expect(await refsWithTag(tag), "nothing was loaded into local storage").toEqual([]);
    } finally {
      await removeTag(tag);
    }
  });
});
