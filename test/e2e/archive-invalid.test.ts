/**
 * Archives --from-archive must refuse before anything is loaded or pushed:
 * one cut short in copying, a file that is no archive, and a good archive
 * that lacks a requested image. Each: exit 1, a coded error naming the
 * file or the image, podman never asked to load, nothing in the registry.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { EXIT, expectError } from "./helpers/expect-cli.ts";
import { expectNoTrace } from "./helpers/expect-registry.ts";
import { testDir, tool } from "./helpers/local-tools.ts";
import { toolSpy } from "./helpers/tool-spy.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const held = ["apim-le-cache", "apim-le-toolkit"];

/** A good archive of two images, written by podman itself (not by the program under test). */
let good: string;

beforeAll(async () => {
  good = join(testDir(), "two-images.tar");
  await tool("podman", [
    "save",
    "--format",
    "docker-archive",
    "--multi-image-archive",
    "-o",
    good,
    ...held.map((image) => `${apim.path}/${image}:${apim.tag}`),
  ]);
});

/** Pushes from `archive` to a path of its own; expects `code`, no load and no trace. Returns the error text. */
async function expectRefused(archive: string, code: string, images: readonly string[] = held): Promise<string> {
  const spy = toolSpy(["podman"]);
  const token = uniqueName();
  const r = await runCli(
    ["--from-archive", archive, "-r", `${plain.host}/${token}`, "-c", "podman", "-t", ...images.flatMap((i) => ["-i", i])],
    { env: { PATH: spy.path } },
  );
  const error = expectError(r, EXIT.failed, code);
  expect(
    spy.calls("podman").filter((call) => /^(load|tag|push)\b/.test(call)),
    "podman loaded, tagged or pushed",
  ).toEqual([]);
  await expectNoTrace(token);
  return error;
}

describe.concurrent("refused archives", () => {
  it("cut short: ARCHIVE_INVALID names the file", async () => {
    const bytes = readFileSync(good);
    const truncated = join(testDir(), "cut-short.tar");
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const error = await expectRefused(truncated, "ARCHIVE_INVALID");
    expect(error).toContain(truncated);
  });

  it("not an archive at all: ARCHIVE_INVALID names the file", async () => {
    const text = join(testDir(), "notes.tar");
    writeFileSync(text, "These are the release notes, not an image archive.\n".repeat(40));
    const error = await expectRefused(text, "ARCHIVE_INVALID");
    expect(error).toContain(text);
  });

  it("a requested image it does not hold: ARCHIVE_MISSING_IMAGE names it, and the images it holds are not pushed either", async () => {
    const error = await expectRefused(good, "ARCHIVE_MISSING_IMAGE", [...held, "apim-le-configui"]);
    expect(error).toContain(`${apim.path}/apim-le-configui:${apim.tag}`);
  });
});
