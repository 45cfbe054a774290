/**
 * A blob an earlier run completed in another repository of the registry is
 * mounted by the next run, not sent again (issue 23; the closing note of
 * issue 12): run 1 pushes only the first of two images that share a
 * 4 MiB base layer, run 2 the second. The registry's own access log says
 * what crossed the wire; its API says what it holds.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { blobsCompleted, requestsUnder, type LoggedRequest } from "./helpers/access-log.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { sourceFlags } from "./helpers/tool-flags.ts";
import { runCli } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed } from "./helpers/expect-registry.ts";
import { testDir } from "./helpers/local-tools.ts";
import { sharedLayerImages, type SharedLayerImages } from "./helpers/shared-layer-images.ts";

const { plain } = useBed().registries;
const sourcePath = uniqueName("remembered");
let made: SharedLayerImages;
let bundle: string;

beforeAll(async () => {
  made = await sharedLayerImages("podman", sourcePath, "v1", 4 * 1024 * 1024);
  bundle = join(testDir(), "bundle.tar");
  const selection = ["-c", "podman", "-p", sourcePath, "-s", "v1", ...made.images.flatMap((image) => ["-i", image])];
  expectSuccess(await runCli(["save", "-o", bundle, ...selection]));
});

/** The mounts the registry confirmed: `POST ...?mount=<digest>&from=<repo>` answered 201. */
function mounted(requests: readonly LoggedRequest[]): Array<{ digest: string; from: string }> {
  return requests.flatMap((r) => {
    if (r.method !== "POST" || r.status !== 201) return [];
    const query = new URLSearchParams(r.path.split("?")[1] ?? "");
    const digest = query.get("mount");
    return digest ? [{ digest, from: query.get("from") ?? "" }] : [];
  });
}

/** Data-carrying blob requests (the PATCH or PUT of an upload). */
const blobSends = (requests: readonly LoggedRequest[]) =>
  requests.filter((r) => (r.method === "PUT" || r.method === "PATCH") && r.path.includes("/blobs/uploads/"));

describe("--from-archive after an earlier run put a shared layer into another repository", () => {
  it("mounts that layer from there (201), sends only the blobs of the image's own", async () => {
    const [first = "", second = ""] = made.images;
    const path = uniqueName();
    // A state directory of the test's own: what run 2 knows comes from run 1 alone.
    const env = { PATH: enginelessPath(), XDG_STATE_HOME: testDir() };
    const args = (image: string) => [
      "--from-archive",
      bundle,
      "-r",
      `${plain.host}/${path}`,
      "-t",
      ...sourceFlags(sourcePath, [image]),
    ];

    expectSuccess(await runCli(args(first), { env }));
    const sentFirst = blobsCompleted(requestsUnder(plain, `${path}/${first}`));
    expect(sentFirst, "run 1 sent the base, its own layer and its config").toHaveLength(3);

    expectSuccess(await runCli(args(second), { env }));
    await expectPushed(plain, path, "v1", { [first]: made.ids[0] ?? "", [second]: made.ids[1] ?? "" });
    const requests = requestsUnder(plain, `${path}/${second}`);
    const mounts = mounted(requests);
    expect(mounts, "the shared base, mounted from the first image's repository").toHaveLength(1);
    expect(mounts[0]?.from).toBe(`${path}/${first}`);
    expect(sentFirst).toContain(mounts[0]?.digest);
    const sentSecond = blobsCompleted(requests);
    expect(sentSecond, "its own layer and its config").toHaveLength(2);
    expect(
      sentSecond.filter((digest) => sentFirst.includes(digest)),
      "blobs sent again",
    ).toEqual([]);
    expect(blobSends(requests), "one PUT for each of its own blobs, no PATCH").toHaveLength(2);
    const state = JSON.parse(readFileSync(join(env.XDG_STATE_HOME, "push-images", "uploads.json"), "utf8"));
    expect(state.placed[plain.host], "both runs' distinct blobs, remembered").toHaveLength(5);
  });
});
