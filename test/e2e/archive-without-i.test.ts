/**
 * `save -i a -i b` prints `push-images --from-archive FILE -r ...` as the
 * next command: without -i that pushes exactly the two images the archive
 * holds, and says which. With -i, the images asked for; an -i the archive
 * lacks is refused, naming what it holds, and nothing is pushed; so is a
 * run without the -s the archive was saved with, whose fix names that -s.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { EXIT, describeRun, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectNoTrace, expectPushed, pick } from "./helpers/expect-registry.ts";
import { testDir } from "./helpers/local-tools.ts";
import { removeTag, tagCopies } from "./helpers/archive-tags.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const two = ["apim-le-toolkit", "apim-le-trafficmanager"];
const tag = uniqueName("w");
let archive: string;

beforeAll(async () => {
  await tagCopies("podman", two, tag);
  archive = join(testDir(), "two.tar");
  const saved = await runCli(["save", "-o", archive, "-c", "podman", "-s", tag, ...two.flatMap((image) => ["-i", image])]);
  expectSuccess(saved);
  expect(saved.stderr, "save names the next command").toContain(`push-images --from-archive ${archive} -r`);
  return () => removeTag(tag);
});

/** Pushes `archive` to a path of its own with `flags` (and the archive's -s unless `withTag` is false). */
async function push(flags: readonly string[], withTag = true) {
  const path = uniqueName();
  const sourceTag = withTag ? ["-s", tag] : [];
  const r = await runCli(["--from-archive", archive, "-r", `${plain.host}/${path}`, "-t", ...sourceTag, ...flags]);
  return { path, r };
}

describe.concurrent("--from-archive of an archive of two images", () => {
  it("without -i: pushes those two and names them", async () => {
    const { path, r } = await push([]);
    expectSuccess(r);
    await expectPushed(plain, path, tag, pick(apim.podmanIds, two));
    expect(r.stderr, describeRun(r)).toContain(
      `holds 2 of the ${bed.productImages.length} images (${two.join(", ")}): pushing those`,
    );
  });

  it("-i one of them: only that one", async () => {
    const { path, r } = await push(["-i", "apim-le-toolkit"]);
    expectSuccess(r);
    await expectPushed(plain, path, tag, pick(apim.podmanIds, ["apim-le-toolkit"]));
  });

  it("-i an image it lacks: ARCHIVE_MISSING_IMAGE names it and what the archive holds; nothing pushed", async () => {
    const { path, r } = await push(["-i", "apim-le-configui"]);
    const error = expectError(r, EXIT.failed, "ARCHIVE_MISSING_IMAGE");
    expect(error).toContain(`${apim.path}/apim-le-configui:${tag}`);
    for (const image of two) expect(error).toContain(`-i ${image}`);
    await expectNoTrace(path);
  });

  it("without the -s it was saved with: ARCHIVE_MISSING_IMAGE, and the fix names that -s; nothing pushed", async () => {
    const { path, r } = await push([], false);
    const error = expectError(r, EXIT.failed, "ARCHIVE_MISSING_IMAGE");
    expect(error).toMatch(new RegExp(`Fix: add -s ${tag}\\b`));
    await expectNoTrace(path);
  });
});
