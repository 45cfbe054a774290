/**
 * Issue 10's minor input defects, each refused with exit 2 before anything
 * runs: a single-value flag given twice (the last once won silently),
 * `-j -1` (once "unknown option -1"), `--plugin ""` (once loaded the current
 * directory), and an image listed twice in PRODUCT_DEFAULTS (once pushed
 * twice at once). Each run is otherwise valid, so a CLI that let it through
 * would run podman and push.
 */
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { expectInvalid } from "./helpers/expect-invalid.ts";
import { writeTestFile } from "./helpers/files.ts";

const bed = useBed();
const { plain } = bed.registries;
const podman = ["-c", "podman", "-t", "-i", "apim-le-cache"];

describe.concurrent("a flag that takes one value, given twice", () => {
  it("-r a -r b: refused, neither registry gets anything", async () => {
    const [first, second] = [uniqueName(), uniqueName()];
    const { error } = await expectInvalid(
      ["-r", `${plain.host}/${first}`, "-r", `${plain.host}/${second}`, ...podman],
      "USAGE",
      second,
    );
    expect(error).toContain(`-r/--registry is given 2 times ("${plain.host}/${first}", "${plain.host}/${second}")`);
    expect(error).toContain(`Fix: give -r once, for example -r ${plain.host}/${second}`);
  });

  it("-c and --container-tool: refused", async () => {
    const token = uniqueName();
    const { error } = await expectInvalid(
      ["-r", `${plain.host}/${token}`, "-t", "-c", "docker", "--container-tool", "podman"],
      "USAGE",
      token,
    );
    expect(error).toContain('-c/--container-tool is given 2 times ("docker", "podman")');
  });

  it("save -o a -o b: refused", async () => {
    const first = writeTestFile("a.tar", "old");
    const { error } = await expectInvalid(
      ["save", "-o", first, "-o", join(dirname(first), "b.tar"), "--force", "-c", "podman"],
      "USAGE",
    );
    expect(error).toContain("-o/--output is given 2 times");
  });

  it("repeatable flags (-i) still collect every value", async () => {
    const token = uniqueName();
    // -i twice is accepted; the unknown second image is what stops this run.
    const { error } = await expectInvalid(
      ["-r", `${plain.host}/${token}`, ...podman, "-i", "apim-le-nope"],
      "UNKNOWN_IMAGE",
      token,
    );
    expect(error).toContain('"apim-le-nope"');
  });
});

describe.concurrent("odd values", () => {
  it.each([
    ["-j", "-1", "1 to 16"],
    ["--concurrency", "-3", "1 to 16"],
    ["--retries", "-1", "0 to 10"],
  ])('%s %s: the flag needs a whole number, not "unknown option"', async (flag, value, range) => {
    const token = uniqueName();
    const { error } = await expectInvalid(["-r", `${plain.host}/${token}`, ...podman, flag, value], "USAGE", token);
    expect(error).toContain(`${flag === "--concurrency" ? "-j" : flag} "${value}" is not a whole number from ${range}`);
    expect(error).not.toContain("unknown option");
  });

  it('--plugin "": BAD_PLUGIN, not the current directory loaded as a plugin', async () => {
    const token = uniqueName();
    const { error } = await expectInvalid(["-r", `${plain.host}/${token}`, ...podman, "--plugin", ""], "BAD_PLUGIN", token);
    expect(error).toContain("--plugin needs a file name, but it is empty");
  });
});

describe("PRODUCT_DEFAULTS listing an image twice", () => {
  it("is refused, naming the image and the file, and nothing is pushed", async () => {
    const file = writeTestFile("defaults.json", { images: ["apim-le-cache", "apim-le-toolkit", "apim-le-cache"] });
    const token = uniqueName();
    const { error } = await expectInvalid(["-r", `${plain.host}/${token}`, "-c", "podman", "-t"], "BAD_DEFAULTS_FILE", token, {
      PRODUCT_DEFAULTS: file,
    });
    expect(error).toContain(`lists "apim-le-cache" twice in "images"`);
    expect(error).toContain(`Fix: remove the second "apim-le-cache" from "images" in ${file}`);
  });
});
