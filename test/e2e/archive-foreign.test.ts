/**
 * --from-archive takes archives push-images did not write: plain
 * `docker save` output, gzipped too, and `podman save`'s docker-archive,
 * and pushes them with no engine on PATH (their uncompressed layers
 * gzipped on the way). The images' tag is removed after the save, so only
 * the archive can supply them; the registry must hold the original images.
 */
import { join } from "node:path";
import { describe, it } from "vitest";
import { run } from "../bed/run.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed, pick } from "./helpers/expect-registry.ts";
import { testDir, tool, type Tool } from "./helpers/local-tools.ts";
import { removeTag, tagCopies } from "./helpers/archive-tags.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const two = ["apim-le-cache", "apim-le-platformapi"];

/** The save commands of the tools themselves, as an operator would type them. */
const SAVE: Record<Tool, (file: string, refs: string[]) => string[]> = {
  docker: (file, refs) => ["save", "-o", file, ...refs],
  podman: (file, refs) => ["save", "--format", "docker-archive", "--multi-image-archive", "-o", file, ...refs],
};

describe("archives from the tools themselves", () => {
  it.each([
    { savedBy: "docker", gzipped: false },
    { savedBy: "docker", gzipped: true },
    { savedBy: "podman", gzipped: false },
  ] as const)("$savedBy save (gzipped: $gzipped), pushed with no engine on PATH", async ({ savedBy, gzipped }) => {
    const tag = uniqueName("s");
    try {
      const refs = await tagCopies(savedBy, two, tag);
      const tar = join(testDir(), "images.tar");
      await tool(savedBy, SAVE[savedBy](tar, refs));
      if (gzipped) await run("gzip", [tar]);
      await removeTag(tag);

      const path = uniqueName();
      const archive = gzipped ? `${tar}.gz` : tar;
      const r = await runCli(
        ["--from-archive", archive, "-r", `${plain.host}/${path}`, "-t", "-s", tag, ...two.flatMap((i) => ["-i", i])],
        { env: { PATH: enginelessPath() } },
      );
      expectSuccess(r);
      await expectPushed(plain, path, tag, pick(savedBy === "docker" ? apim.dockerIds : apim.podmanIds, two));
    } finally {
      await removeTag(tag);
    }
  });
});
