/**
 * Docker Hub's rate limit (test/bed/personalities/docker-hub-429.ts): the
 * first upload POST and manifest PUT to each repository are answered 429
 * with `Retry-After: 2`. The bundle push waits those 2 s (its own backoff
 * would try again after 0.5-1 s), says so on the progress line, and
 * pushes every image. podman, retried on the same 429, pushes too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerHub429, RETRY_AFTER_SECONDS } from "../bed/personalities/docker-hub-429.ts";
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
} from "./helpers/personality-push.ts";

const { auth } = useBed().registries;
let images: PersonalityImages;
const personalities = { bundle: dockerHub429(), podman: dockerHub429() };
const fronts: Partial<Record<keyof typeof personalities, Front>> = {};

beforeAll(async () => {
  images = await personalityImages();
  fronts.bundle = await startFront(personalities.bundle);
  fronts.podman = await startFront(personalities.podman);
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(fronts).map((front) => front.running.close()));
});

const pushed = () => Object.fromEntries(Object.keys(images.ids).map((image) => [image, "pushed"]));
const refusals = (front: Front) => front.running.seen().filter((s) => s.status === 429);

describe("a registry answering 429 with Retry-After: 2", () => {
  it("bundle: waits what Retry-After says, says so, pushes every image", async () => {
    const front = fronts.bundle as Front;
    const path = uniqueName();
    const r = await transports.bundle(front, images, path);

    expectSuccess(r);
    expect(statuses(jsonImages(r)), describeRun(r)).toEqual(pushed());
    await expectPushed(auth, path, TAG, images.ids);
    expect(refusals(front).length, "429s were answered").toBeGreaterThan(0);
    const waits = personalities.bundle.waits();
    expect(waits.length).toBeGreaterThan(0);
    for (const wait of waits) expect(wait, "waited Retry-After").toBeGreaterThanOrEqual(RETRY_AFTER_SECONDS * 1000 - 100);
    expect(r.stderr).toMatch(/retrying {3}apim-le-\S+ in 2\.0s \(attempt 2 of 4\): .*HTTP 429/);
    expect(r.stderr).toContain("(the registry asked to wait 2s: Retry-After)");
  });

  it("podman -t: every image pushed", async () => {
    const front = fronts.podman as Front;
    const path = uniqueName();
    const r = await transports.podman(front, images, path);

    expectSuccess(r);
    expect(statuses(jsonImages(r)), describeRun(r)).toEqual(pushed());
    await expectPushed(auth, path, TAG, images.ids);
    expect(refusals(front).length, "429s were answered").toBeGreaterThan(0);
  });
});
