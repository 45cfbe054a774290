/**
 * The target tags a run makes are removed once all pushes are over, in one
 * `podman rmi` / `docker image rm`, in the order they were made; tags that
 * were there before are left. A failing removal warns; the run still counts.
 * docker always tags; podman pushes with no tag, and tags only when a
 * plugin taps `tagArgs` (here: one that keeps the list as it is).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { fail, pushOf } from "./fake-shell.ts";
import { DIGEST_FILE, expectedSteps, expectedUntag, setUp, stepsByTarget, untagCalls, type SetUp } from "./harness.ts";

const REGISTRY = "reg.example.com/p";
const THREE = ["apim-le-cache", "apim-le-toolkit", "apim-le-configui"];
const source = (image: string) => `apim/${image}:v6.0.0`;
const target = (image: string) => `${REGISTRY}/${image}:v6.0.0`;

/** A run whose tool tags: docker, or podman with a plugin on `tagArgs`. */
function tagging(setUpWith: SetUp) {
  const run = setUp(setUpWith);
  if (setUpWith.flags.containerTool === "podman") run.runner.hooks.tagArgs.tap("site-tag", (args) => args);
  return run;
}

/** One image's steps when the tool tags: the tag, then the push. */
function taggedSteps(tool: "podman" | "docker", image: string): unknown[][] {
  return tool === "docker"
    ? expectedSteps(tool, source(image), target(image))
    : [["tag", source(image), target(image)], ...expectedSteps(tool, source(image), target(image))];
}

describe("podman with no plugin on tagArgs", () => {
  it("pushes each source to docker://TARGET: no tag is made, none is removed, local storage is as found", async () => {
    const { runner, shell } = setUp({ flags: { registry: REGISTRY, containerTool: "podman", image: THREE } });
    await runner.run();
    expect(shell.mutatingArgs()).toHaveLength(THREE.length);
    expect(stepsByTarget(shell)).toEqual(
      Object.fromEntries(
        THREE.map((i) => [target(i), [["push", "--digestfile", DIGEST_FILE, source(i), `docker://${target(i)}`]]]),
      ),
    );
    expect([...shell.local.keys()].sort()).toEqual(THREE.map(source).sort());
  });
});

describe.each(["podman", "docker"] as const)("%s, tagging", (tool) => {
  it("-j 3: one untag after the last push, naming every tag made", async () => {
    const { runner, shell } = tagging({ flags: { registry: REGISTRY, containerTool: tool, image: THREE } });
    await runner.run();
    const mutating = shell.mutatingArgs();
    expect(mutating).toHaveLength(2 * THREE.length + 1);
    expect(stepsByTarget(shell)).toEqual(Object.fromEntries(THREE.map((i) => [target(i), taggedSteps(tool, i)])));
    expect(mutating.at(-1)).toEqual(expectedUntag(tool, THREE.map(target)));
    expect([...shell.local.keys()].sort()).toEqual(THREE.map(source).sort());
  });

  it("a failing removal is a warning, not a failed run", async () => {
    const stderr =
      tool === "podman"
        ? "Error: image is in use by a container"
        : "Error response from daemon: conflict: unable to remove repository reference";
    const { runner, shell, logged } = tagging({
      flags: { registry: REGISTRY, containerTool: tool, image: ["apim-le-cache", "apim-le-toolkit"], concurrency: "1" },
      shell: {
        answers: [
          {
            when: (c) => c.args.join(" ") === expectedUntag(tool, [target("apim-le-cache"), target("apim-le-toolkit")]).join(" "),
            result: fail(stderr, 1),
          },
        ],
      },
    });
    const report = await runner.run();
    expect(report.results.map((r) => [r.status, r.error])).toEqual([
      ["pushed", undefined],
      ["pushed", undefined],
    ]);
    expect(untagCalls(shell)).toEqual([expectedUntag(tool, [target("apim-le-cache"), target("apim-le-toolkit")])]);
    expect(logged).toContain(
      `Warning: could not remove the temporary tags ${target("apim-le-cache")}, ${target("apim-le-toolkit")}: ${stderr}\n`,
    );
  });

  it("every image failing: the tags are still removed", async () => {
    const { runner, shell } = tagging({
      flags: { registry: REGISTRY, containerTool: tool, image: THREE, concurrency: "1", retries: "0" },
      shell: {
        answers: [{ when: (c) => c.args[0] === "push", result: fail("denied: requested access to the resource is denied", 1) }],
      },
    });
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["failed", "failed", "failed"]);
    expect(shell.mutatingArgs()).toEqual([...THREE.flatMap((i) => taggedSteps(tool, i)), expectedUntag(tool, THREE.map(target))]);
  });

  it("an interrupt mid-push with -j 3: the tags made so far are removed, once", async () => {
    let interrupt = () => {};
    const { runner, shell } = tagging({
      flags: { registry: REGISTRY, containerTool: tool, image: [...THREE, "apim-le-platformapi"], concurrency: "3" },
      shell: { answers: [{ when: (c) => pushOf(target("apim-le-toolkit"))(c) && (interrupt(), true), result: fail("", 143) }] },
    });
    interrupt = () => runner.interrupt("SIGINT");
    const report = await runner.run();
    expect(report.interruptedBy).toBe("SIGINT");
    // The fourth image was never started, so never tagged.
    expect(shell.argsOf("tag").map((a) => a[2])).toEqual(THREE.map(target));
    expect(untagCalls(shell)).toEqual([expectedUntag(tool, THREE.map(target))]);
    expect(shell.mutatingArgs().at(-1)).toEqual(expectedUntag(tool, THREE.map(target)));
  });

  it("the tagging failing for every image: nothing was made, nothing is removed", async () => {
    const { runner, shell } = tagging({
      flags: { registry: REGISTRY, containerTool: tool, image: THREE },
      shell: { answers: [{ when: (c) => c.args[0] === "tag", result: fail("Error: no space left on device", 125) }] },
    });
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["failed", "failed", "failed"]);
    expect(shell.mutatingArgs()).toEqual(THREE.map((i) => ["tag", source(i), target(i)]));
  });
});

describe("an unexpected error in one job (not a coded one, e.g. mkdtemp failing on a full /tmp)", () => {
  // The run rejects at once, but the other jobs' pushes go on; a tag one of
  // them makes after that must still be removed, as each job's own cleanup
  // did before the tags were removed in one command.
  it("leaves no temporary tag behind, also from the jobs still running", async () => {
    const { runner, shell } = tagging({
      flags: { registry: REGISTRY, containerTool: "podman", image: ["apim-le-cache", "apim-le-toolkit"] },
      shell: {
        // The toolkit's tag takes a little longer than the cache's failing push.
        latency: (c) => (c.args[0] === "tag" && c.args[2] === target("apim-le-toolkit") ? 20 : 0),
        answers: [
          {
            when: (c) => {
              if (pushOf(target("apim-le-cache"))(c)) throw new Error("EIO: i/o error");
              return false;
            },
            result: fail(""),
          },
        ],
      },
    });
    await expect(runner.run()).rejects.toThrow("EIO: i/o error");
    await sleep(100);
    expect(shell.argsOf("push").map((a) => a.at(-1))).toEqual([
      `docker://${target("apim-le-cache")}`,
      `docker://${target("apim-le-toolkit")}`,
    ]);
    expect([...shell.local.keys()].sort()).toEqual([source("apim-le-cache"), source("apim-le-toolkit")]);
  });
});
