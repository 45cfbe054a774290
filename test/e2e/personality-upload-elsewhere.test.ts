/**
 * A registry whose upload Locations point at another host
 * (test/bed/personalities/upload-elsewhere.ts). The bundle push sends every
 * blob there, with no login: the registry's credentials go to the
 * registry only. podman pushes too; podman itself sends the registry's
 * login to that host (the finding), so the leak check is the
 * bundle push's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OTHER_HOST_IP } from "../bed/personalities/front.ts";
import { uploadElsewhere } from "../bed/personalities/upload-elsewhere.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { describeRun, expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed } from "./helpers/expect-registry.ts";
import { jsonImages, statuses } from "./helpers/json-report.ts";
import {
  personalityImages,
  startFront,
  TAG,
  transports,
  type Front,
  type PersonalityImages,
  type TransportName,
} from "./helpers/personality-push.ts";

const { auth } = useBed().registries;
let images: PersonalityImages;
let front: Front;

beforeAll(async () => {
  images = await personalityImages();
  front = await startFront(uploadElsewhere);
}, 120_000);

afterAll(async () => {
  await front.running.close();
});

async function pushedThroughOtherHost(transport: TransportName) {
  const path = uniqueName();
  const before = front.running.seen().length;
  const r = await transports[transport](front, images, path);

  expectSuccess(r);
  const pushed = Object.fromEntries(Object.keys(images.ids).map((image) => [image, "pushed"]));
  expect(statuses(jsonImages(r)), describeRun(r)).toEqual(pushed);
  await expectPushed(auth, path, TAG, images.ids);
  const uploads = front.running
    .seen()
    .slice(before)
    .filter((s) => s.at === "other-host" && s.path.startsWith(`/upload-host/v2/${path}/`) && s.method !== "GET");
  expect(uploads.length, "the blobs went up at the other host").toBeGreaterThan(0);
  expect(new URL(front.running.otherHostUrl).hostname, "another address than the registry's").toBe(OTHER_HOST_IP);
  return uploads;
}

describe("push to a registry whose uploads go to another host", () => {
  it("bundle: every image pushed; the uploads went to the other host without the registry's login", async () => {
    const uploads = await pushedThroughOtherHost("bundle");
    expect(uploads.filter((s) => s.authorization)).toEqual([]);
    expect(front.running.credentialsAtOtherHost()).toEqual([]);
  });

  it("podman -t: every image pushed through the other host", async () => {
    await pushedThroughOtherHost("podman");
  });
});
