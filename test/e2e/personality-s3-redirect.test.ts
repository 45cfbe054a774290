/**
 * distribution on S3 with `redirect` on (test/bed/personalities/s3-redirect.ts):
 * a blob HEAD or GET the registry can serve is answered 307 to the blob
 * store, another host. A second push of the same images under another tag
 * finds every blob there through that redirect: pushed, nothing sent
 * again, and no login reached the blob store. For the bundle push and podman.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3Redirect } from "../bed/personalities/s3-redirect.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { describeRun, expectSuccess } from "./helpers/expect-cli.ts";
import { expectImage } from "./helpers/expect-registry.ts";
import { jsonImages, statuses } from "./helpers/json-report.ts";
import { personalityImages, startFront, transports, type Front, type PersonalityImages } from "./helpers/personality-push.ts";

const { auth } = useBed().registries;
let images: PersonalityImages;
let front: Front;

beforeAll(async () => {
  images = await personalityImages();
  front = await startFront(s3Redirect);
}, 120_000);

afterAll(async () => {
  await front.running.close();
});

describe.each(["bundle", "podman"] as const)("%s push to a registry that redirects blobs to S3", (transport) => {
  it("pushed twice (the second under -d v2 finds the blobs through the redirect); no login at the blob store", async () => {
    const path = uniqueName();
    const pushed = Object.fromEntries(Object.keys(images.ids).map((image) => [image, "pushed"]));
    const first = await transports[transport](front, images, path);
    expectSuccess(first);
    const before = front.running.seen().length;
    const second = await transports[transport](front, images, path, ["-d", "v2"]);

    expectSuccess(second);
    expect(statuses(jsonImages(second)), describeRun(second)).toEqual(pushed);
    for (const [image, id] of Object.entries(images.ids)) {
      await expectImage(auth, `${path}/${image}`, "v1", id);
      await expectImage(auth, `${path}/${image}`, "v2", id);
    }
    const again = front.running.seen().slice(before);
    const redirected = again.filter((s) => s.at === "front" && s.status === 307 && s.path.includes(`/v2/${path}/`));
    expect(redirected.length, "blob HEADs were redirected").toBeGreaterThan(0);
    expect(
      again.filter((s) => s.at === "other-host" && s.path.startsWith(`/blob-store/${path}/`)).length,
      "the blob store was asked",
    ).toBeGreaterThan(0);
    expect(
      again.filter((s) => s.at === "front" && (s.method === "PATCH" || s.method === "PUT") && s.path.includes("/blobs/uploads/")),
      "no blob sent again",
    ).toEqual([]);
    expect(front.running.credentialsAtOtherHost()).toEqual([]);
  });
});
