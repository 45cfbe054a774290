/**
 * -n / --dry-run (issue 5), with each tool: it prints the plan and the
 * commands, and changes nothing: podman and docker are only asked
 * questions, no tag appears in local storage and nothing reaches a
 * registry. "The exact commands": the tag, push and untag commands a real
 * run then hands the tool (recorded by stand-ins) are the ones printed.
 */
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectNoTrace, expectPushed, pick } from "./helpers/expect-registry.ts";
import { jsonImages, statuses } from "./helpers/json-report.ts";
import { toolSpy } from "./helpers/tool-spy.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const two = ["apim-le-cacheloader-cron", "apim-le-platformapi"];

const tools = [
  { tool: "podman", flags: LOOPBACK_FLAGS.podman, ids: apim.podmanIds },
  { tool: "docker", flags: LOOPBACK_FLAGS.docker, ids: apim.dockerIds },
] as const;

/** Subcommands that only read: version, image inspect, info, images. */
const READ_ONLY = /^(version|image inspect|info|images)\b/;
/** Subcommands that change local storage or the registry. */
const CHANGES = /^(tag|push|untag|image rm|rmi)\b/;

/**
 * What may differ between the printed and the run command: podman's digest
 * file is a fresh temporary directory per push, and a command that removes
 * several names lists them in the order their pushes ended.
 */
function comparable(command: string): string {
  const removal = /^(rmi|untag|image rm) (.+)$/.exec(command);
  if (removal) return `${removal[1]} ${(removal[2] ?? "").split(" ").sort().join(" ")}`;
  return command.replace(/--digestfile \S+/, "--digestfile <file>");
}

describe.each(tools)("$tool --dry-run", ({ tool, flags, ids }) => {
  it("changes nothing, and prints the exact commands a real run then runs", async () => {
    const path = uniqueName();
    const args = ["-r", `${plain.host}/${path}`, ...flags, ...two.flatMap((i) => ["-i", i])];
    const target = (image: string) => `${plain.host}/${path}/${image}:${apim.tag}`;

    const drySpy = toolSpy([tool]);
    const dry = await runCli([...args, "--dry-run", "--json"], { env: { PATH: drySpy.path } });
    expectSuccess(dry);
    expect(statuses(jsonImages(dry))).toEqual(Object.fromEntries(two.map((image) => [image, "planned"])));
    expect(
      drySpy.calls(tool).filter((call) => !READ_ONLY.test(call)),
      `${tool} was asked to change something`,
    ).toEqual([]);
    await expectNoTrace(path);

    const printed = [...dry.stderr.matchAll(new RegExp(`^\\s*\\$ ${tool} (.+)$`, "gm"))].map((m) => m[1] ?? "");
    for (const image of two) {
      expect(dry.stderr).toContain(`apim/${image}:${apim.tag} -> ${target(image)}`);
      // docker tags, then pushes the target name; podman pushes the source to docker://TARGET with no tag.
      if (tool === "docker") expect(printed).toContain(`tag apim/${image}:${apim.tag} ${target(image)}`);
      else
        expect(
          printed.filter((command) => command.endsWith(` apim/${image}:${apim.tag} docker://${target(image)}`)),
        ).toHaveLength(1);
    }
    if (tool === "podman")
      expect(
        printed.filter((command) => /^(tag|rmi) /.test(command)),
        "podman tags nothing",
      ).toEqual([]);

    const realSpy = toolSpy([tool]);
    expectSuccess(await runCli(args, { env: { PATH: realSpy.path } }));
    await expectPushed(plain, path, apim.tag, pick(ids, two));
    const ran = realSpy.calls(tool).filter((call) => CHANGES.test(call));
    expect(ran.map(comparable).sort()).toEqual(printed.map(comparable).sort());
  });
});
