/**
 * What the properties found, one test per flaw so each is named on its own
 * (a failing property shows only the first counterexample it shrank to).
 * Each failed when it was found; they stay as regression tests.
 * Each case says why the reference grammar (reference-grammar.ts) and
 * docker's reading of a name disagree with what the tool did.
 */
import { describe, expect, it } from "vitest";
import { resolveOptions } from "../../../src/options/options.ts";
import { BUILT_IN_DEFAULTS } from "../../../src/options/product-defaults.ts";
import { rawFlags, thrownBy } from "../harness.ts";
import { referenceProblem } from "./reference-grammar.ts";

const resolve = (registry: string, sourcePath?: string) => () =>
  resolveOptions(rawFlags({ registry, sourcePath }), BUILT_IN_DEFAULTS);

describe("accepted, but no valid reference: must be refused with exit 2", () => {
  it.each([
    ['-r "[.]": an IPv6 literal holds hex digits and colons only', "[.]"],
    ["-r with an IPv4-mapped IPv6 literal, which the reference grammar does not take", "[::ffff:10.0.0.1]:5000/apim"],
  ])("%s", (_why, registry) => {
    expect(referenceProblem(`${registry}/apim-le-cache:v6.0.0`)).toBeDefined();
    expect(thrownBy(resolve(registry)).code).toBe("INVALID_REGISTRY");
  });

  it.each([
    ['-p "[.]/apim": an IPv6 literal holds hex digits and colons only', "[.]/apim"],
    // The tool refuses -p "a_b.c/x" for this very reason, but checks a lone component as a path.
    ['-p "a_b.c": docker reads a first component with "." as a host, and a_b.c is none', "a_b.c"],
    ["-p of 250 characters: the source name passes the 255-character limit", "a".repeat(250)],
  ])("%s", (_why, sourcePath) => {
    expect(referenceProblem(`${sourcePath}/apim-le-cache:v6.0.0`)).toBeDefined();
    expect(thrownBy(resolve("registry.example.com/apim", sourcePath)).code).toBe("INVALID_SOURCE_PATH");
  });
});

describe("a valid reference, but refused", () => {
  it('-p "localhost:5000": images pulled from a registry root (-p "localhost:5000/x" is accepted)', () => {
    expect(referenceProblem("localhost:5000/apim-le-cache:v6.0.0")).toBeUndefined();
    expect(resolve("registry.example.com/apim", "localhost:5000")).not.toThrow();
  });
});
