/**
 * PRODUCT_DEFAULTS (and product-defaults.json beside the program) replace
 * the built-in defaults; flags beat the file; a bad file is exit 2 with
 * nothing touched.
 */
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { copyProgramTo, runCli } from "./helpers/cli.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectInvalid } from "./helpers/expect-invalid.ts";
import { expectPushed, pick } from "./helpers/expect-registry.ts";
import { writeTestFile } from "./helpers/files.ts";
import { testDir } from "./helpers/local-tools.ts";
import { toolSpy } from "./helpers/tool-spy.ts";

const bed = useBed();
const { plain } = bed.registries;
const { defaults: apim, alternate: acme } = bed.images;
const two = ["apim-le-cache", "apim-le-toolkit"];

describe("a good PRODUCT_DEFAULTS file", () => {
  it("changes the images, the source path and the source tag", async () => {
    const file = writeTestFile("defaults.json", { product: "acme", images: two, sourcePath: acme.path, sourceTag: acme.tag });
    const path = uniqueName();
    expectSuccess(await runCli(["-r", `${plain.host}/${path}`, "-c", "podman", "-t"], { env: { PRODUCT_DEFAULTS: file } }));
    await expectPushed(plain, path, acme.tag, pick(acme.podmanIds, two));
  });

  it("keeps the built-in defaults it does not name", async () => {
    const file = writeTestFile("defaults.json", { sourcePath: acme.path, sourceTag: acme.tag });
    const path = uniqueName();
    expectSuccess(await runCli(["-r", `${plain.host}/${path}`, "-c", "podman", "-t"], { env: { PRODUCT_DEFAULTS: file } }));
    await expectPushed(plain, path, acme.tag, acme.podmanIds);
  });

  it("changes the container tool", async () => {
    const file = writeTestFile("defaults.json", { containerTool: "podman" });
    const spy = toolSpy(["podman", "docker"]);
    const path = uniqueName();
    const r = await runCli(["-r", `${plain.host}/${path}`, "-t", "-i", "apim-le-cache"], {
      env: { PRODUCT_DEFAULTS: file, PATH: spy.path },
    });
    expectSuccess(r);
    await expectPushed(plain, path, apim.tag, pick(apim.podmanIds, ["apim-le-cache"]));
    expect(spy.calls("docker"), "docker was run").toEqual([]);
    expect(spy.calls("podman"), "podman did the work").not.toEqual([]);
  });

  it("loses to the flags", async () => {
    const file = writeTestFile("defaults.json", {
      images: two,
      sourcePath: acme.path,
      sourceTag: acme.tag,
      containerTool: "podman",
    });
    const spy = toolSpy(["podman", "docker"]);
    const path = uniqueName();
    const args = ["-r", `${plain.host}/${path}`, "-c", "docker", "-p", apim.path, "-s", apim.tag, "-i", "apim-le-toolkit"];
    expectSuccess(await runCli(args, { env: { PRODUCT_DEFAULTS: file, PATH: spy.path } }));
    await expectPushed(plain, path, apim.tag, pick(apim.dockerIds, ["apim-le-toolkit"]));
    expect(spy.calls("podman"), "podman was run").toEqual([]);
    expect(spy.calls("docker"), "docker did the work").not.toEqual([]);
  });

  it("defines which images -i accepts", async () => {
    const file = writeTestFile("defaults.json", { images: two });
    const token = uniqueName();
    const { error } = await expectInvalid(
      ["-r", `${plain.host}/${token}`, "-c", "podman", "-t", "-i", "apim-le-configui"],
      "UNKNOWN_IMAGE",
      token,
      { PRODUCT_DEFAULTS: file },
    );
    for (const image of two) expect(error).toContain(image);
  });

  it("product-defaults.json beside the program is read the same way", async () => {
    const dir = testDir();
    const program = copyProgramTo(dir);
    writeTestFile(
      "product-defaults.json",
      { images: ["apim-le-platformapi"], sourcePath: acme.path, sourceTag: acme.tag },
      dirname(program),
    );
    const path = uniqueName();
    expectSuccess(
      await runCli(["-r", `${plain.host}/${path}`, "-c", "podman", "-t"], { program, env: { PRODUCT_DEFAULTS: undefined } }),
    );
    await expectPushed(plain, path, acme.tag, pick(acme.podmanIds, ["apim-le-platformapi"]));
  });
});

describe.concurrent("a bad PRODUCT_DEFAULTS file", () => {
  const bad: [string, string | object | undefined][] = [
    ["a missing file", undefined],
    ["invalid JSON", '{"images": ["apim-le-cache",'],
    ["an empty file", ""],
    ["JSON that is not an object", '["apim-le-cache"]'],
    ["images that is not a list", { images: "apim-le-cache" }],
    ["images with a non-string", { images: ["apim-le-cache", 7] }],
    ["sourceTag that is not a string", { sourceTag: 6 }],
    ["sourcePath that is not a string", { sourcePath: true }],
    ["containerTool that is not a string", { containerTool: ["podman"] }],
  ];

  it.each(bad)("%s", async (_case, content) => {
    const file = content === undefined ? `${testDir()}/no-such-defaults.json` : writeTestFile("defaults.json", content);
    const token = uniqueName();
    const { error } = await expectInvalid(["-r", `${plain.host}/${token}`, "-c", "podman", "-t"], "BAD_DEFAULTS_FILE", token, {
      PRODUCT_DEFAULTS: file,
    });
    expect(error, "the message names the file").toContain(file);
  });
});
