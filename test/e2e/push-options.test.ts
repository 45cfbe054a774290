/** -i, -d, -p and -s decide what is pushed and under which tag, with either tool. */
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectImage, expectPushed, expectTags, pick } from "./helpers/expect-registry.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain } = bed.registries;
const { defaults: apim, alternate: acme } = bed.images;
const selected = ["apim-le-cache", "apim-le-configui", "apim-le-platformapi"];

// podman reaches the plain HTTP registry only with -t; dockerd trusts loopback as is.
const tools = [
  { tool: "podman", flags: LOOPBACK_FLAGS.podman, ids: (set: typeof apim) => set.podmanIds },
  { tool: "docker", flags: LOOPBACK_FLAGS.docker, ids: (set: typeof apim) => set.dockerIds },
] as const;

describe.each(tools)("$tool", ({ flags, ids }) => {
  it("selected images with -d: only those, only under the new tag", async () => {
    const path = uniqueName();
    const r = await runCli(["-r", `${plain.host}/${path}`, ...flags, ...selected.flatMap((i) => ["-i", i]), "-d", "release-2"]);
    expectSuccess(r);
    await expectPushed(plain, path, "release-2", pick(ids(apim), selected));
    await expectTags(plain, path, selected, ["release-2"]);
  });

  it("-p and -s pick the other local images; the destination keeps the source tag", async () => {
    const path = uniqueName();
    expectSuccess(await runCli(["-r", `${plain.host}/${path}`, ...flags, "-p", acme.path, "-s", acme.tag]));
    await expectPushed(plain, path, acme.tag, ids(acme));
  });

  it("-p, -s and -d together", async () => {
    const path = uniqueName();
    const r = await runCli([
      "-r",
      `${plain.host}/${path}`,
      ...flags,
      "-p",
      acme.path,
      "-s",
      acme.tag,
      "-d",
      "v7",
      "-i",
      "apim-le-toolkit",
    ]);
    expectSuccess(r);
    await expectPushed(plain, path, "v7", pick(ids(acme), ["apim-le-toolkit"]));
  });
});

describe("names at the edge of the rules", () => {
  it("a destination tag of exactly 128 characters is accepted", async () => {
    const path = uniqueName();
    const tag = `_${"a".repeat(63)}.${"B".repeat(61)}-9`;
    expect(tag).toHaveLength(128);
    const r = await runCli(["-r", `${plain.host}/${path}`, "-c", "podman", "-t", "-i", "apim-le-cache", "-d", tag]);
    expectSuccess(r);
    await expectPushed(plain, path, tag, pick(apim.podmanIds, ["apim-le-cache"]));
  });

  it("a registry without a repository path pushes to <registry>/<image>", async () => {
    // Other tests may push to these repositories too, so this one looks for its own tag.
    const tag = uniqueName("r");
    expectSuccess(await runCli(["-r", plain.host, "-c", "podman", "-t", "-i", "apim-le-trafficmanager", "-d", tag]));
    await expectImage(plain, "apim-le-trafficmanager", tag, apim.podmanIds["apim-le-trafficmanager"] ?? "");
  });

  it("a nested path with the separators the grammar allows", async () => {
    const path = `${uniqueName()}/team_a/sub.group/x--y`;
    expectSuccess(await runCli(["-r", `${plain.host}/${path}`, "-c", "docker", "-i", "apim-le-cacheloader-cron"]));
    await expectPushed(plain, path, "v6.0.0", pick(apim.dockerIds, ["apim-le-cacheloader-cron"]));
  });
});
