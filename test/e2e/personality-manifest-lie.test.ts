/**
 * A registry that answers the manifest PUT 201 and stores nothing, and
 * whose manifest GET is redirected to another host serving a sign-in page
 * (test/bed/personalities/manifest-lie.ts). The read-back follows the
 * redirect, finds no manifest at its end, and the run ends VERIFY_FAILED,
 * exit 1, with nothing reported pushed: for the bundle push and for podman.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestLie } from "../bed/personalities/manifest-lie.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { describeRun, expectError } from "./helpers/expect-cli.ts";
import { jsonImages } from "./helpers/json-report.ts";
import { personalityImages, startFront, transports, type Front, type PersonalityImages } from "./helpers/personality-push.ts";
import { RegistryClient } from "./helpers/registry-client.ts";

const { auth } = useBed().registries;
let images: PersonalityImages;
let front: Front;

beforeAll(async () => {
  images = await personalityImages();
  front = await startFront(manifestLie);
}, 120_000);

afterAll(async () => {
  await front.running.close();
});

describe.each(["bundle", "podman"] as const)("%s push to a registry whose manifest PUT lies", (transport) => {
  it("VERIFY_FAILED, exit 1, nothing reported pushed; the read-back followed the redirect, with no login there", async () => {
    const path = uniqueName();
    const r = await transports[transport](front, images, path);

    const text = expectError(r, 1, "VERIFY_FAILED");
    expect(text).toContain("but the registry did not give it back");
    expect(text, "the sign-in page at the end of the redirect").toContain("the answer is not an image manifest or index");
    const reported = jsonImages(r);
    expect(
      reported.map((i) => [i.image, i.status, i.error?.code]),
      describeRun(r),
    ).toEqual(
      Object.keys(images.ids)
        .sort()
        .map((image) => [image, "failed", "VERIFY_FAILED"]),
    );
    const readBacks = front.running
      .seen()
      .filter((s) => s.at === "other-host" && s.method === "GET" && s.path.startsWith(`/cdn/${path}/`));
    expect(readBacks.length, "the redirected read-backs reached the other host").toBeGreaterThan(0);
    expect(front.running.credentialsAtOtherHost()).toEqual([]);
    const client = new RegistryClient(auth);
    for (const image of Object.keys(images.ids)) {
      expect(await client.manifest(`${path}/${image}`, "v1"), "the registry behind holds no manifest").toBeUndefined();
    }
  });
});
