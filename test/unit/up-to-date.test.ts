/**
 * Up-to-date detection: before tagging, the target's manifest is read from
 * the registry; when its config digest (or, for containerd's store, the
 * manifest digest) is the local image id, the image is "up-to-date" and no
 * tag, push or untag reaches the container tool. A re-run after a failure
 * pushes only what is missing.
 */
import { describe, expect, it } from "vitest";
import { fail, fakeDigest, fakeImageId, pushOf } from "./fake-shell.ts";
import { expectedRun, expectedSteps, expectedUntag, setUp, stepsByTarget, untagCalls } from "./harness.ts";
import { RegistryStore } from "./tiny-registry.ts";

const REGISTRY = "reg.example.com/p";
const THREE = ["apim-le-cache", "apim-le-toolkit", "apim-le-configui"];
const source = (image: string) => `apim/${image}:v6.0.0`;
const target = (image: string) => `${REGISTRY}/${image}:v6.0.0`;
const manifestPath = (image: string) => `/v2/p/${image}/manifests/v6.0.0`;

describe.each(["podman", "docker"] as const)("%s: the target already holds the local image", (tool) => {
  it("by its config digest: up-to-date, nothing run but the checks", async () => {
    const store = new RegistryStore();
    store.put(target("apim-le-cache"), fakeImageId(source("apim-le-cache")));
    const { runner, shell, progress } = setUp({
      flags: { registry: REGISTRY, containerTool: tool, image: ["apim-le-cache"] },
      store,
    });
    const after: string[] = [];
    runner.hooks.afterPush.tap("audit", (job, result) => void after.push(`${job.image} ${result.status}`));
    const report = await runner.run();
    expect(report.results).toEqual([
      {
        job: { image: "apim-le-cache", source: source("apim-le-cache"), target: target("apim-le-cache") },
        status: "up-to-date",
        digest: fakeDigest(target("apim-le-cache")),
        attempts: 0,
        seconds: expect.any(Number),
      },
    ]);
    expect(shell.mutatingArgs()).toEqual([]);
    expect(progress).toEqual([["apim-le-cache", { stage: "checking" }]]);
    expect(store.paths()).toEqual([manifestPath("apim-le-cache")]);
    expect(after).toEqual(["apim-le-cache up-to-date"]);
  });

  it("by its manifest digest (containerd's image store): up-to-date", async () => {
    const store = new RegistryStore();
    const id = fakeImageId(source("apim-le-cache"));
    store.put(target("apim-le-cache"), `sha256:${"c".repeat(64)}`, { digest: id });
    const { runner, shell } = setUp({ flags: { registry: REGISTRY, containerTool: tool, image: ["apim-le-cache"] }, store });
    expect((await runner.run()).results.map((r) => [r.status, r.digest])).toEqual([["up-to-date", id]]);
    expect(shell.mutatingArgs()).toEqual([]);
  });
});

describe("the target holds something else", () => {
  it("another image under the tag: tagged, pushed, untagged as usual", async () => {
    const store = new RegistryStore();
    store.put(target("apim-le-cache"), `sha256:${"0".repeat(64)}`, { digest: `sha256:${"1".repeat(64)}` });
    const { runner, shell } = setUp({ flags: { registry: REGISTRY, containerTool: "podman", image: ["apim-le-cache"] }, store });
    const report = await runner.run();
    expect(report.results.map((r) => [r.status, r.digest, r.attempts])).toEqual([
      ["pushed", fakeDigest(target("apim-le-cache")), 1],
    ]);
    expect(shell.mutatingArgs()).toEqual(expectedRun("podman", source("apim-le-cache"), target("apim-le-cache")));
  });

  it("nothing readable (the registry answers 500): the push decides", async () => {
    const store = new RegistryStore();
    // The look-up fails; the read-back after the push finds what the push stored.
    let failed = false;
    store.route((request) =>
      request.path.includes("/manifests/") && !failed ? ((failed = true), { status: 500, body: "oops" }) : undefined,
    );
    const { runner, shell, logged } = setUp({ flags: { registry: REGISTRY, image: ["apim-le-cache"] }, store });
    const report = await runner.run();
    expect(report.results.map((r) => [r.status, r.digest])).toEqual([["pushed", fakeDigest(target("apim-le-cache"))]]);
    expect(shell.mutatingArgs()).toEqual(expectedRun("docker", source("apim-le-cache"), target("apim-le-cache")));
    expect(logged).toContain(
      `could not read ${target("apim-le-cache")} from the registry: manifest of ${target("apim-le-cache")}: HTTP 500\n`,
    );
  });
});

describe("some images already there", () => {
  it("only the others are pushed", async () => {
    const store = new RegistryStore();
    store.put(target("apim-le-toolkit"), fakeImageId(source("apim-le-toolkit")));
    const { runner, shell } = setUp({ flags: { registry: REGISTRY, containerTool: "docker", image: THREE }, store });
    const report = await runner.run();
    expect(report.results.map((r) => [r.job.image, r.status])).toEqual([
      ["apim-le-cache", "pushed"],
      ["apim-le-toolkit", "up-to-date"],
      ["apim-le-configui", "pushed"],
    ]);
    expect(stepsByTarget(shell)).toEqual({
      [target("apim-le-cache")]: expectedSteps("docker", source("apim-le-cache"), target("apim-le-cache")),
      [target("apim-le-configui")]: expectedSteps("docker", source("apim-le-configui"), target("apim-le-configui")),
    });
    // The up-to-date image was never tagged, so its target is not in the untag.
    expect(untagCalls(shell)).toEqual([expectedUntag("docker", [target("apim-le-cache"), target("apim-le-configui")])]);
  });

  it("a re-run after a failure pushes only what failed; a third run pushes nothing", async () => {
    const store = new RegistryStore();
    const flags = { registry: REGISTRY, containerTool: "podman", image: THREE };
    const first = setUp({
      flags,
      store,
      shell: { answers: [{ when: pushOf(target("apim-le-toolkit")), result: fail("Error: 401 Unauthorized") }] },
    });
    expect((await first.runner.run()).results.map((r) => r.status)).toEqual(["pushed", "failed", "pushed"]);

    const second = setUp({ flags, store });
    expect((await second.runner.run()).results.map((r) => r.status)).toEqual(["up-to-date", "pushed", "up-to-date"]);
    expect(second.shell.mutatingArgs()).toEqual(expectedRun("podman", source("apim-le-toolkit"), target("apim-le-toolkit")));

    const third = setUp({ flags, store });
    expect((await third.runner.run()).results.map((r) => r.status)).toEqual(["up-to-date", "up-to-date", "up-to-date"]);
    expect(third.shell.mutatingArgs()).toEqual([]);
  });
});
