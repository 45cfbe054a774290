/**
 * Registries that refuse a cross-repository mount
 * (test/bed/personalities/refused-mounts.ts): Harbor's 401, Docker Hub's
 * 403, Quay's 404, ECR's 202. The bundle push, which mounts the shared
 * base into the second image's repository, uploads it instead: every
 * image pushed, no login error; so does the run after another, which
 * mounts from where that run placed the base. podman, which mounts too
 * once it knows where a blob is, pushes as well.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusedMounts, type MountAnswer } from "../bed/personalities/refused-mounts.ts";
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
const ANSWERS: readonly MountAnswer[] = [401, 403, 404, 202];
let images: PersonalityImages;
const fronts = new Map<MountAnswer, Front>();

beforeAll(async () => {
  images = await personalityImages();
  for (const status of ANSWERS) fronts.set(status, await startFront(refusedMounts(status)));
}, 120_000);

afterAll(async () => {
  await Promise.all([...fronts.values()].map((front) => front.running.close()));
});

const pushed = () => Object.fromEntries(Object.keys(images.ids).map((image) => [image, "pushed"]));

describe.each(ANSWERS)("mounts answered %i", (status) => {
  it("bundle: the shared base is uploaded instead; every image pushed, exit 0", async () => {
    const front = fronts.get(status) as Front;
    const path = uniqueName();
    const before = front.running.seen().length;
    const r = await transports.bundle(front, images, path);

    expectSuccess(r);
    expect(statuses(jsonImages(r)), describeRun(r)).toEqual(pushed());
    await expectPushed(auth, path, TAG, images.ids);
    const refused = front.running
      .seen()
      .slice(before)
      .filter((s) => s.method === "POST" && s.path.includes("mount=") && s.answeredByFront && s.path.includes(`/v2/${path}/`));
    expect(refused.length, "a mount was asked for, and refused").toBeGreaterThan(0);
  });

  it("bundle, the run after another: the mount of what that run placed is refused, and the blob uploaded", async () => {
    const front = fronts.get(status) as Front;
    const path = uniqueName();
    const [first = "", second = ""] = Object.keys(images.ids);
    expectSuccess(await transports.bundle(front, images, path, ["-i", first]));
    const before = front.running.seen().length;
    const r = await transports.bundle(front, images, path, ["-i", second]);

    expectSuccess(r);
    expect(statuses(jsonImages(r)), describeRun(r)).toEqual({ [second]: "pushed" });
    await expectPushed(auth, path, TAG, images.ids);
    const from = `from=${encodeURIComponent(`${path}/${first}`)}`;
    const refused = front.running
      .seen()
      .slice(before)
      .filter((s) => s.method === "POST" && s.path.includes(from) && s.answeredByFront);
    expect(refused.length, "a mount from the earlier run's repository was asked for, and refused").toBeGreaterThan(0);
  });

  it("podman -t: every image pushed", async () => {
    const front = fronts.get(status) as Front;
    const path = uniqueName();
    const r = await transports.podman(front, images, path);

    expectSuccess(r);
    expect(statuses(jsonImages(r)), describeRun(r)).toEqual(pushed());
    await expectPushed(auth, path, TAG, images.ids);
  });
});
