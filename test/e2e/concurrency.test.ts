/**
 * -j and re-runs (issue 5), with each tool: -j 4 pushes every image right,
 * never more than four at once (stand-ins time each push); --json names
 * every image with the digest the registry serves for its tag; and a second
 * run reports all up-to-date while the registry's own access log shows it
 * started no blob upload and wrote no manifest.
 */
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { requestsUnder, writes } from "./helpers/access-log.ts";
import { runCli } from "./helpers/cli.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed } from "./helpers/expect-registry.ts";
import { expectDigestsServed, jsonImages, statuses } from "./helpers/json-report.ts";
import { mostAtOnce, timedPushes } from "./helpers/push-stand-ins.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const all = (status: string) => Object.fromEntries(bed.productImages.map((image) => [image, status]));

const tools = [
  { tool: "podman", flags: LOOPBACK_FLAGS.podman, ids: apim.podmanIds },
  { tool: "docker", flags: LOOPBACK_FLAGS.docker, ids: apim.dockerIds },
] as const;

describe.each(tools)("$tool -j 4", ({ tool, flags, ids }) => {
  it("pushes every image, at most four at once, with the digests the registry serves; a re-run pushes nothing", async () => {
    const timed = timedPushes(tool);
    const path = uniqueName();
    const args = ["-r", `${plain.host}/${path}`, ...flags, "-j", "4", "--json"];

    const first = await runCli(args, { env: { PATH: timed.path } });
    expectSuccess(first);
    await expectPushed(plain, path, apim.tag, ids);
    const pushed = jsonImages(first);
    expect(statuses(pushed)).toEqual(all("pushed"));
    await expectDigestsServed(plain, path, apim.tag, pushed);
    expect(timed.spans(), "one push per image").toHaveLength(bed.productImages.length);
    const most = mostAtOnce(timed.spans());
    expect(most, "pushes at once").toBeGreaterThan(1);
    expect(most, "pushes at once").toBeLessThanOrEqual(4);

    const writesBefore = writes(requestsUnder(plain, path)).length;
    expect(writesBefore, "the access log saw the first run's uploads").toBeGreaterThan(0);
    const second = await runCli(args, { env: { PATH: timed.path } });
    expectSuccess(second);
    const again = jsonImages(second);
    expect(statuses(again)).toEqual(all("up-to-date"));
    expect(
      again.map((i) => i.digest),
      "the same digests as the first run",
    ).toEqual(pushed.map((i) => i.digest));
    expect(writes(requestsUnder(plain, path)).slice(writesBefore), "uploads or manifest PUTs in the second run").toEqual([]);
    expect(timed.spans(), `${tool} push was not run again`).toHaveLength(bed.productImages.length);
  });
});
