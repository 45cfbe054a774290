/**
 * A source image that is not in local storage stops the run in preflight:
 * exit 1, every missing image listed at once with the hint to look them up,
 * and nothing pushed (not even the images that do exist).
 */
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { EXIT, expectError } from "./helpers/expect-cli.ts";
import { expectNoTrace } from "./helpers/expect-registry.ts";
import { tool } from "./helpers/local-tools.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain } = bed.registries;
const tools = [
  { tool: "podman", flags: LOOPBACK_FLAGS.podman },
  { tool: "docker", flags: LOOPBACK_FLAGS.docker },
] as const;

describe.each(tools)("$tool", ({ tool: name, flags }) => {
  it("a source tag that does not exist lists all seven images", async () => {
    const token = uniqueName();
    const r = await runCli(["-r", `${plain.host}/${token}`, ...flags, "-s", "v9.9.9"]);
    const error = expectError(r, EXIT.failed, "SOURCE_IMAGE_MISSING");
    for (const image of bed.productImages) expect(error, `lists ${image}`).toContain(`apim/${image}:v9.9.9`);
    // The seed's troubleshooting: look the image up with `podman images` / `docker images`.
    expect(error).toContain(`${name} images`);
    await expectNoTrace(token);
  });

  it("a source path that does not exist", async () => {
    const token = uniqueName();
    const r = await runCli(["-r", `${plain.host}/${token}`, ...flags, "-p", "nosuch", "-i", "apim-le-toolkit"]);
    const error = expectError(r, EXIT.failed, "SOURCE_IMAGE_MISSING");
    expect(error).toContain("nosuch/apim-le-toolkit:v6.0.0");
    await expectNoTrace(token);
  });

  it("only some images missing: those are listed, and the others are not pushed either", async () => {
    const tag = uniqueName("s");
    const present = ["apim-le-cache", "apim-le-toolkit"];
    for (const image of present) await tool(name, ["tag", `apim/${image}:v6.0.0`, `apim/${image}:${tag}`]);
    try {
      const token = uniqueName();
      const r = await runCli(["-r", `${plain.host}/${token}`, ...flags, "-s", tag]);
      const error = expectError(r, EXIT.failed, "SOURCE_IMAGE_MISSING");
      for (const image of bed.productImages) {
        if (present.includes(image)) expect(error, `does not list ${image}`).not.toContain(`apim/${image}:${tag}`);
        else expect(error, `lists ${image}`).toContain(`apim/${image}:${tag}`);
      }
      await expectNoTrace(token);
    } finally {
      // `podman untag IMAGE` alone would drop every name of the image: name the one to drop.
      for (const image of present) {
        const ref = `apim/${image}:${tag}`;
        await tool(name, name === "podman" ? ["untag", ref, ref] : ["image", "rm", ref]);
      }
    }
  });
});
