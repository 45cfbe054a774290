/**
 * A flag that takes one value, given twice, is refused (USAGE, exit 2)
 * instead of keeping the last; repeatable flags (-i, --plugin,
 * --from-archive) collect every value.
 */
import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../../src/cli/flags.ts";
import { BUILT_IN_DEFAULTS } from "../../src/options/product-defaults.ts";
import { thrownBy } from "./harness.ts";

const parse = (argv: string[]) => parseCommandLine(argv, BUILT_IN_DEFAULTS);

describe("a single flag given twice", () => {
  it.each([
    [
      ["-r", "a.example.com", "-r", "b.example.com"],
      '-r/--registry is given 2 times ("a.example.com", "b.example.com"), but takes one value',
      "give -r once, for example -r b.example.com",
    ],
    [
      ["-r", "a.example.com", "--registry=b.example.com"],
      '-r/--registry is given 2 times ("a.example.com", "b.example.com"), but takes one value',
      "give -r once, for example -r b.example.com",
    ],
    [
      ["-r", "x.io", "-c", "podman", "--container-tool", "docker"],
      '-c/--container-tool is given 2 times ("podman", "docker"), but takes one value',
      "give -c once, for example -c docker",
    ],
    [
      ["-r", "x.io", "--registry-type", "harbor", "--registry-type", "ecr"],
      '--registry-type is given 2 times ("harbor", "ecr"), but takes one value',
      "give --registry-type once, for example --registry-type ecr",
    ],
    [["-r", "x.io", "-t", "--no-tls-verify"], "-t/--no-tls-verify is given 2 times", "give -t once"],
    [
      ["save", "-o", "a.tar", "-o", "b.tar"],
      '-o/--output is given 2 times ("a.tar", "b.tar"), but takes one value',
      "give -o once, for example -o b.tar",
    ],
  ])("%j", (argv, message, hint) => {
    expect(thrownBy(() => parse(argv))).toMatchObject({ code: "USAGE", exitCode: 2, message, hint });
  });

  it("--help still prints the help", () => {
    expect(parse(["-r", "a.example.com", "-r", "b.example.com", "--help"])).toMatchObject({ help: true });
  });
});

describe("repeatable flags and single ones given once", () => {
  it("push", () => {
    const argv = [
      "-r",
      "x.io/p",
      "-i",
      "apim-le-cache",
      "-i",
      "apim-le-toolkit",
      "--plugin",
      "a.mjs",
      "--plugin",
      "b.cjs",
      "-nt",
      "-j",
      "2",
    ];
    expect(parse(argv)).toMatchObject({
      command: "push",
      flags: {
        registry: "x.io/p",
        image: ["apim-le-cache", "apim-le-toolkit"],
        plugin: ["a.mjs", "b.cjs"],
        dryRun: true,
        noTlsVerify: true,
        concurrency: "2",
        json: false,
      },
    });
  });

  it("save", () => {
    expect(parse(["save", "-o", "a.tar", "--force", "-i", "apim-le-cache", "-i", "apim-le-toolkit"])).toMatchObject({
      command: "save",
      flags: { output: "a.tar", force: true, image: ["apim-le-cache", "apim-le-toolkit"] },
    });
  });

  it("after --, nothing is a flag", () => {
    const parsed = parse(["-r", "x.io", "--", "-r", "-1"]);
    expect(parsed.flags).toMatchObject({ registry: "x.io" });
    expect([...parsed.extraArguments]).toEqual(["-r", "-1"]);
  });
});
