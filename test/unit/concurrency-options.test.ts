/**
 * -j and --retries: whole numbers in range (-j 1-16, --retries 0-10), else
 * USAGE with exit 2 naming the flag, the value and the range.
 */
import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../../src/cli/flags.ts";
import { resolveOptions, type RawFlags } from "../../src/options/options.ts";
import { BUILT_IN_DEFAULTS } from "../../src/options/product-defaults.ts";
import { rawFlags, thrownBy } from "./harness.ts";

const resolve = (flags: Partial<RawFlags>) =>
  resolveOptions(rawFlags({ registry: "reg.example.com/apim", ...flags }), BUILT_IN_DEFAULTS);

describe("-j", () => {
  it.each(["two", "1.5", "-1", "", " 2", "0x2", "1e1", "0", "17"])("%j is refused", (value) => {
    expect(thrownBy(() => resolve({ concurrency: value }))).toMatchObject({
      code: "USAGE",
      exitCode: 2,
      message: `-j ${JSON.stringify(value)} is not a whole number from 1 to 16`,
      hint: "use for example -j 4",
    });
  });

  it.each([
    ["1", 1],
    ["16", 16],
    ["11", 11],
    [undefined, 4],
  ])("%j is %i", (value, concurrency) => {
    expect(resolve({ concurrency: value }).concurrency).toBe(concurrency);
  });
});

describe("--retries", () => {
  it.each(["three", "-1", "2.0", "", "11", "17"])("%j is refused", (value) => {
    expect(thrownBy(() => resolve({ retries: value }))).toMatchObject({
      code: "USAGE",
      exitCode: 2,
      message: `--retries ${JSON.stringify(value)} is not a whole number from 0 to 10`,
      hint: "use for example --retries 3",
    });
  });

  it.each([
    ["0", 0],
    ["10", 10],
    [undefined, 3],
  ])("%j is %i", (value, retries) => {
    expect(resolve({ retries: value }).retries).toBe(retries);
  });
});

describe("on the command line", () => {
  it("-j, --concurrency and --retries reach the push's flags", () => {
    const short = parseCommandLine(["-r", "reg.example.com/apim", "-j", "2", "--retries", "0"], BUILT_IN_DEFAULTS);
    expect(short).toMatchObject({ command: "push", flags: { concurrency: "2", retries: "0" } });
    expect(parseCommandLine(["--concurrency", "5"], BUILT_IN_DEFAULTS)).toMatchObject({
      command: "push",
      flags: { concurrency: "5" },
    });
  });

  // The parser alone reads "-1" as an unknown option -1.
  it.each([
    ["-j", "-1"],
    ["--concurrency", "-1"],
    ["--retries", "-2"],
  ])("%s %s reaches the range check as the flag's value", (flag, value) => {
    const parsed = parseCommandLine(["-r", "reg.example.com/apim", flag, value], BUILT_IN_DEFAULTS);
    expect(parsed.unknownFlags).toEqual([]);
    expect(parsed.flags).toMatchObject(flag === "--retries" ? { retries: value } : { concurrency: value });
  });
});
