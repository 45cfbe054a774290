/**
 * parseRegistryUri, against the reference grammar (reference-grammar.ts):
 * an accepted -r is the prefix of valid references and names the host
 * docker will push to; a refused one is refused with INVALID_REGISTRY
 * (exit 2), never with another error; and every -r the grammar allows (with
 * a host docker reads as a domain) is accepted, but for an IPv6 literal
 * host, which podman refuses.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { PushImagesError } from "../../../src/core/errors.ts";
import { parseRegistryUri, type RegistryUri } from "../../../src/options/registry-uri.ts";
import { ipv6RegistryHost, pathComponent, registryInput, repositoryPath, validRegistry, validTag } from "./inputs.ts";
import { check } from "./check.ts";
import { parseReference, referenceProblem } from "./reference-grammar.ts";

/** The parsed -r, or undefined when it was refused the way invalid input must be. */
function accepted(value: string): RegistryUri | undefined {
  try {
    return parseRegistryUri(value);
  } catch (error) {
    if (!(error instanceof PushImagesError)) throw error;
    check(
      error.code === "INVALID_REGISTRY" && error.exitCode === 2,
      () => `${JSON.stringify(value)} refused with ${error.code}, exit ${error.exitCode}`,
    );
    return undefined;
  }
}

describe("parseRegistryUri", () => {
  it("an accepted -r prefixes only valid references, pushed to its own host", () => {
    fc.assert(
      fc.property(registryInput, pathComponent, validTag, (value, image, tag) => {
        const uri = accepted(value);
        if (!uri) return;
        check(
          uri.prefix === value && [uri.host, ...uri.path].join("/") === value,
          () => `${value} parsed as ${JSON.stringify(uri)}`,
        );
        const target = `${uri.prefix}/${image}:${tag}`;
        // The 255-character limit on names is checked on the whole target (plan.test.ts).
        if (referenceProblem(target) === "name too long") return;
        check(referenceProblem(target) === undefined, () => `${target}: ${referenceProblem(target)}`);
        check(
          parseReference(target)?.domain === uri.host,
          () => `${target} goes to ${parseReference(target)?.domain}, not ${uri.host}`,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("every -r the grammar allows is accepted", () => {
    fc.assert(
      fc.property(validRegistry, (value) => {
        check(accepted(value) !== undefined, () => `${value} refused`);
      }),
      { numRuns: 500 },
    );
  });

  it("an IPv6 literal host, which podman refuses, is refused up front", () => {
    fc.assert(
      fc.property(ipv6RegistryHost, repositoryPath, (host, path) => {
        const value = [host, ...path].join("/");
        check(accepted(value) === undefined, () => `${value} accepted`);
      }),
      { numRuns: 200 },
    );
  });
});
