/**
 * src/options/apply-options.ts: flags and the registry type become plugins in one
 * place (pluginsForOptions), and the progress display is chosen from
 * --quiet, --verbose and whether stderr is a terminal (progressPlugin).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pluginsForOptions, progressPlugin } from "../../src/options/apply-options.ts";
import { resolveOptions, type RawFlags } from "../../src/options/options.ts";
import { BUILT_IN_DEFAULTS } from "../../src/options/product-defaults.ts";
import type { RegistryType } from "../../src/options/registry-type.ts";
import { rawFlags, thrownBy } from "./harness.ts";
import { makeTestCa } from "./test-ca.ts";

const options = (flags: Partial<RawFlags> = {}) =>
  resolveOptions(rawFlags({ registry: "reg.example.com/apim", ...flags }), BUILT_IN_DEFAULTS);
const names = (flags: Partial<RawFlags>, type?: RegistryType) => pluginsForOptions(options(flags), type).map((p) => p.name);

describe("pluginsForOptions", () => {
  it("no flags, generic registry: no plugin", () => {
    expect(names({})).toEqual([]);
    expect(names({}, "generic")).toEqual([]);
  });

  it("--ca-file: its plugin, after -d's", () => {
    const dir = mkdtempSync(join(tmpdir(), "push-images-unit-"));
    try {
      expect(names({ destTag: "v7", caFile: [] })).toEqual(["retag"]);
      expect(names({ destTag: "v7", caFile: [makeTestCa(dir, "ca")] })).toEqual(["retag", "ca-files"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("-d and -t, in that order", () => {
    expect(names({ destTag: "v7", noTlsVerify: true })).toEqual(["retag", "tls-skip"]);
    expect(names({ noTlsVerify: true })).toEqual(["tls-skip"]);
  });

  it.each([
    ["harbor", "harbor.example.com/apim", "harbor"],
    ["ecr", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/apim", "ecr"],
    ["dockerhub", "docker.io/acme", "docker-hub"],
    ["quay", "quay.io/acme", "quay"],
  ] as const)("%s: the naming plugin comes after the flags' plugins", (type, registry, plugin) => {
    expect(names({ registry, destTag: "v7" }, type)).toEqual(["retag", plugin]);
  });

  it.each([
    ["gcr", "gcr.io/my-project"],
    ["artifact-registry", "us-docker.pkg.dev/my-project/images"],
  ] as const)("%s: -r's path is checked, and no plugin is needed for it", (type, registry) => {
    expect(names({ registry, destTag: "v7" }, type)).toEqual(["retag"]);
  });

  it("a naming rule broken by -r is refused while the plugins are made", () => {
    expect(thrownBy(() => names({ registry: "docker.io/acme/a/b" }, "dockerhub"))).toMatchObject({
      code: "INVALID_REGISTRY",
      exitCode: 2,
    });
    expect(names({ registry: "docker.io/acme/a/b", flatten: true }, "dockerhub")).toEqual(["docker-hub"]);
  });
});

describe("progressPlugin", () => {
  it.each([
    [{}, true, "progress-live"],
    [{}, false, "progress-plain"],
    [{ verbose: true }, true, "progress-plain"],
    [{ verbose: true }, false, "progress-plain"],
    [{ quiet: true }, true, undefined],
    [{ quiet: true }, false, undefined],
  ] as const)("%j, on a terminal: %s -> %s", (flags, terminal, plugin) => {
    expect(progressPlugin(options(flags), terminal)?.name).toBe(plugin);
  });
});
