/**
 * The other flags' rules (-d, -s, -i, -c, -p): refused with exit 2 and a
 * message naming the value and the rule, before anything runs.
 */
import { describe, expect, it } from "vitest";
import { resolveOptions, type RawFlags } from "../../src/options/options.ts";
import { BUILT_IN_DEFAULTS } from "../../src/options/product-defaults.ts";
import { TAG_RULE, tagProblem } from "../../src/options/reference-rules.ts";
import { rawFlags, thrownBy } from "./harness.ts";

const resolve = (flags: Partial<RawFlags>) =>
  resolveOptions(rawFlags({ registry: "reg.example.com/apim", ...flags }), BUILT_IN_DEFAULTS);
const refusal = (flags: Partial<RawFlags>) => thrownBy(() => resolve(flags));

describe("-d and -s follow the OCI tag grammar", () => {
  it.each([
    ["a".repeat(129), "it is 129 characters long (at most 128)"],
    ["v6.0.0-ü", "it contains a character that is not printable ASCII"],
    ["v6\u00a0", "it contains a character that is not printable ASCII"],
    ["v6\t", "it contains a character that is not printable ASCII"],
    [".v6", "it starts with '.'"],
    ["-v6", "it starts with '-'"],
    ["v6:0", "it contains ':'"],
    ["v6/0", "it contains '/'"],
    ["v6 0", "it contains ' '"],
    ["$(id)", "it contains '$'"],
    ["", "it is empty"],
  ])("%j: %s", (tag, reason) => {
    for (const [flag, key] of [
      ["-d", "destTag"],
      ["-s", "sourceTag"],
    ] as const) {
      const error = refusal({ [key]: tag });
      expect(error).toMatchObject({
        code: "INVALID_TAG",
        exitCode: 2,
        message: `${flag} ${JSON.stringify(tag)} is not a valid tag: ${reason}`,
      });
      expect(error.hint).toContain(TAG_RULE);
    }
  });

  it.each(["a".repeat(128), "_", "V6.0.0", "6.0.0_rc-1", "latest"])("%s is a tag", (tag) => {
    expect(tagProblem(tag)).toBeUndefined();
    expect(resolve({ destTag: tag, sourceTag: tag })).toMatchObject({ destTag: tag, sourceTag: tag });
  });
});

describe("-i", () => {
  it("an unknown image is refused, listing the valid ones", () => {
    const error = refusal({ image: ["apim-le-cache", "apim-le-cahce"] });
    expect(error).toMatchObject({
      code: "UNKNOWN_IMAGE",
      exitCode: 2,
      message: `-i "apim-le-cahce" is not one of the product's images`,
    });
    expect(error.hint).toBe(`use -i with one of: ${BUILT_IN_DEFAULTS.images.join(", ")}`);
  });

  it("several unknown images are named together", () => {
    expect(refusal({ image: ["a", "apim-le-cache", "b"] }).message).toBe(`-i "a", "b" are not among the product's images`);
  });

  it("keeps the order given and drops repeats; none given means all", () => {
    expect(resolve({ image: ["apim-le-toolkit", "apim-le-cache", "apim-le-toolkit"] }).images).toEqual([
      "apim-le-toolkit",
      "apim-le-cache",
    ]);
    expect(resolve({}).images).toEqual(BUILT_IN_DEFAULTS.images);
  });
});

describe("-c", () => {
  it.each(["containerd", "Docker", "nerdctl", ""])("%j is refused", (tool) => {
    expect(refusal({ containerTool: tool })).toMatchObject({
      code: "INVALID_CONTAINER_TOOL",
      exitCode: 2,
      message: `-c ${JSON.stringify(tool)} is not a supported container tool`,
      hint: "use -c podman or -c docker",
    });
  });

  it("defaults to docker", () => {
    expect(resolve({}).containerTool).toBe("docker");
    expect(resolve({ containerTool: "podman" }).containerTool).toBe("podman");
  });
});

describe("-p", () => {
  it.each([
    ["APIM", "'APIM' contains upper case"],
    ["apim/", "it has an empty path component"],
    ["vendor.example.com:notaport/apim", "'notaport' is not a port number"],
    ["apim/a..x", "'a..x' breaks the rule"],
    // With a '.', a lone first component is read as a registry host (docker's rule).
    ["apim..x", "'apim..x' is not a host name or IP address"],
    ["a_b.c", "'a_b.c' is not a host name or IP address"],
  ])("%j: %s", (path, reason) => {
    const error = refusal({ sourcePath: path });
    expect(error).toMatchObject({ code: "INVALID_SOURCE_PATH", exitCode: 2 });
    expect(error.message).toContain(`-p ${JSON.stringify(path)} is not a repository path: ${reason}`);
  });

  it.each(["apim", "vendor.example.com/tibco/apim", "localhost/apim", "127.0.0.1:5000/apim", "localhost:5000"])(
    "%s is accepted",
    (path) => {
      expect(resolve({ sourcePath: path }).sourcePath).toBe(path);
    },
  );
});

describe("resolved options", () => {
  it("-t turns TLS verification off; defaults fill the rest", () => {
    expect(resolve({ noTlsVerify: true })).toEqual({
      product: BUILT_IN_DEFAULTS.product,
      registry: { host: "reg.example.com", path: ["apim"], prefix: "reg.example.com/apim" },
      containerTool: "docker",
      destTag: undefined,
      images: BUILT_IN_DEFAULTS.images,
      imagesChosen: false,
      sourcePath: "apim",
      sourceTag: "v6.0.0",
      tlsVerify: false,
      dryRun: false,
      verbose: false,
      quiet: false,
      json: false,
      registryType: undefined,
      flatten: false,
      createProject: false,
      createRepositories: false,
      plugins: [],
      fromArchive: [],
      caFiles: [],
      digestFile: undefined,
      force: false,
      platforms: [],
      concurrency: 4,
      retries: 3,
      stallTimeoutMs: 60_000,
    });
  });
});

describe("--plugin", () => {
  // An empty value would resolve to the current directory and fail to load as a plugin.
  it.each([[[""]], [["./a.mjs", ""]]])("%j: BAD_PLUGIN, exit 2", (plugin) => {
    expect(refusal({ plugin })).toMatchObject({
      code: "BAD_PLUGIN",
      exitCode: 2,
      message: "--plugin needs a file name, but it is empty",
    });
  });

  it("files are kept in the order given", () => {
    expect(resolve({ plugin: ["b.mjs", "a.cjs"] }).plugins).toEqual(["b.mjs", "a.cjs"]);
  });
});
