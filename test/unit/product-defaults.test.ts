/**
 * PRODUCT_DEFAULTS and product-defaults.json: flags beat the file, the file
 * beats the built-ins, and a bad file is a clear exit-2 error naming it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveOptions } from "../../src/options/options.ts";
import { BUILT_IN_DEFAULTS, DEFAULTS_FILE_NAME, loadProductDefaults } from "../../src/options/product-defaults.ts";
import { rawFlags, thrownBy } from "./harness.ts";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "push-images-defaults-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

/** The program directory: empty unless a test writes product-defaults.json there. */
const programDir = () => dir;

describe("where the defaults come from", () => {
  it("built in, when there is no file", () => {
    expect(loadProductDefaults({}, programDir())).toEqual({ defaults: BUILT_IN_DEFAULTS });
  });

  it("the built-ins' own file (src/options/built-in-defaults.json, which the demo reads too) passes the checks an operator's file gets", () => {
    const file = fileURLToPath(new URL("../../src/options/built-in-defaults.json", import.meta.url));
    expect(loadProductDefaults({ PRODUCT_DEFAULTS: file }, programDir())).toEqual({ defaults: BUILT_IN_DEFAULTS, file });
  });

  it("product-defaults.json beside the program, key by key over the built-ins", () => {
    const file = write(DEFAULTS_FILE_NAME, { sourceTag: "v6.1.0", containerTool: "podman" });
    expect(loadProductDefaults({}, programDir())).toEqual({
      defaults: { ...BUILT_IN_DEFAULTS, sourceTag: "v6.1.0", containerTool: "podman" },
      file,
    });
  });

  it("PRODUCT_DEFAULTS beats the file beside the program", () => {
    write(DEFAULTS_FILE_NAME, { sourceTag: "beside" });
    const named = write("other.json", { product: "Other", images: ["other-a", "other-b"], sourceTag: "named" });
    const loaded = loadProductDefaults({ PRODUCT_DEFAULTS: named }, programDir());
    expect(loaded).toEqual({
      defaults: { ...BUILT_IN_DEFAULTS, product: "Other", images: ["other-a", "other-b"], sourceTag: "named" },
      file: named,
    });
  });

  it("an empty PRODUCT_DEFAULTS counts as unset", () => {
    const file = write(DEFAULTS_FILE_NAME, { sourceTag: "beside" });
    expect(loadProductDefaults({ PRODUCT_DEFAULTS: "" }, programDir())).toMatchObject({
      file,
      defaults: { sourceTag: "beside" },
    });
  });

  it("flags beat the file", () => {
    const named = write("d.json", {
      images: ["other-a", "other-b"],
      sourcePath: "vendor",
      sourceTag: "v9",
      containerTool: "podman",
    });
    const { defaults } = loadProductDefaults({ PRODUCT_DEFAULTS: named }, programDir());
    const flags = rawFlags({
      registry: "reg.example.com/p",
      image: ["other-b"],
      sourcePath: "mine",
      sourceTag: "v10",
      containerTool: "docker",
    });
    expect(resolveOptions(flags, defaults)).toMatchObject({
      images: ["other-b"],
      sourcePath: "mine",
      sourceTag: "v10",
      containerTool: "docker",
    });
    expect(resolveOptions(rawFlags({ registry: "reg.example.com/p" }), defaults)).toMatchObject({
      images: ["other-a", "other-b"],
      sourcePath: "vendor",
      sourceTag: "v9",
      containerTool: "podman",
    });
  });

  it("-i is checked against the file's images", () => {
    const { defaults } = loadProductDefaults({ PRODUCT_DEFAULTS: write("d.json", { images: ["other-a"] }) }, programDir());
    const error = thrownBy(() => resolveOptions(rawFlags({ registry: "reg.example.com/p", image: ["apim-le-cache"] }), defaults));
    expect(error).toMatchObject({ code: "UNKNOWN_IMAGE", hint: "use -i with one of: other-a" });
  });
});

describe("a bad defaults file", () => {
  it.each([
    ["{ images: [] }", "is not valid JSON"],
    ["", "is not valid JSON"],
    ["[]", "must hold a JSON object"],
    ["null", "must hold a JSON object"],
    ['"apim"', "must hold a JSON object"],
    [{ product: 5 }, '"product" must be a non-empty string'],
    [{ sourceTag: 6 }, '"sourceTag" must be a non-empty string'],
    [{ sourcePath: "" }, '"sourcePath" must be a non-empty string'],
    [{ images: "apim-le-cache" }, '"images" must be a non-empty list of image names'],
    [{ images: [] }, '"images" must be a non-empty list of image names'],
    [{ images: ["apim-le-cache", 7] }, '"images" must be a non-empty list of image names'],
    [{ containerTool: "rkt" }, '"containerTool" must be podman or docker, not "rkt"'],
    [{ containerTool: true }, '"containerTool" must be a non-empty string'],
    [{ image: ["apim-le-cache"], registry: "x" }, "has unknown keys: image, registry"],
  ])("%j: %s", (content, reason) => {
    const file = write("bad.json", content);
    const error = thrownBy(() => loadProductDefaults({ PRODUCT_DEFAULTS: file }, programDir()));
    expect(error).toMatchObject({ code: "BAD_DEFAULTS_FILE", exitCode: 2 });
    expect(error.message).toContain(`product defaults file ${file} (PRODUCT_DEFAULTS) ${reason}`);
  });

  it("an image listed twice is refused (two jobs would push it twice at once), and the fix names it", () => {
    const file = write("twice.json", { images: ["api", "worker", "api"] });
    const error = thrownBy(() => loadProductDefaults({ PRODUCT_DEFAULTS: file }, programDir()));
    expect(error).toMatchObject({
      code: "BAD_DEFAULTS_FILE",
      exitCode: 2,
      message: `product defaults file ${file} (PRODUCT_DEFAULTS) lists "api" twice in "images"; each image is pushed once`,
      hint: `remove the second "api" from "images" in ${file}`,
    });
  });

  it("PRODUCT_DEFAULTS naming a missing file", () => {
    const missing = join(dir, "nope.json");
    const error = thrownBy(() => loadProductDefaults({ PRODUCT_DEFAULTS: missing }, programDir()));
    expect(error).toMatchObject({
      code: "BAD_DEFAULTS_FILE",
      exitCode: 2,
      message: `product defaults file ${missing} (PRODUCT_DEFAULTS) cannot be read: ENOENT`,
    });
    expect(error.hint).toContain("unset PRODUCT_DEFAULTS");
  });

  it("a broken file beside the program is named as such", () => {
    const file = write(DEFAULTS_FILE_NAME, "{");
    const error = thrownBy(() => loadProductDefaults({}, programDir()));
    expect(error.code).toBe("BAD_DEFAULTS_FILE");
    expect(error.message).toContain(`${file} (the file beside the program) is not valid JSON`);
  });
});

describe("values in the file are checked against the reference rules at load", () => {
  // Unchecked, a bad value surfaced later blaming a flag the user never
  // typed (-s ".v6" is not a valid tag) or as INVALID_REGISTRY ("check -r
  // and -d") for an image name. PRODUCT.md: "A bad file is a clear error."
  it.each([{ sourceTag: ".v6" }, { sourcePath: "APIM" }, { images: ["Apim Le Cache"] }])(
    "%j is a BAD_DEFAULTS_FILE",
    (content) => {
      const file = write("bad.json", content);
      const error = thrownBy(() => loadProductDefaults({ PRODUCT_DEFAULTS: file }, programDir()));
      expect(error).toMatchObject({ code: "BAD_DEFAULTS_FILE", exitCode: 2 });
      expect(error.message).toContain(file);
    },
  );
});
