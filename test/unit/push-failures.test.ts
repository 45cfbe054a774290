/**
 * Failures around the push: the tool missing or down, source images
 * missing, a failing tag, and leaving local storage as it was found.
 */
import { describe, expect, it } from "vitest";
import { InterruptedError } from "../../src/core/errors.ts";
import { errorJson, reportJson, summaryLines } from "../../src/core/report.ts";
import { fail, fakeImageId, pushOf, verb } from "./fake-shell.ts";
import { INSPECT_FORMAT } from "../../src/engine/container-tool.ts";
import { expectedRun, expectedUntag, rejectionOf, setUp, untagCalls } from "./harness.ts";

const REGISTRY = "reg.example.com/p";
const THREE = ["apim-le-cache", "apim-le-toolkit", "apim-le-configui"];

describe("local storage is left as found", () => {
  it("the untag leaves out a target name that existed before the run", async () => {
    const existing = "reg.example.com/p/apim-le-toolkit:v6.0.0";
    const { runner, shell } = setUp({
      flags: { registry: REGISTRY, containerTool: "docker", image: THREE },
      shell: {
        localImages: ["apim/apim-le-cache:v6.0.0", "apim/apim-le-toolkit:v6.0.0", "apim/apim-le-configui:v6.0.0", existing],
      },
    });
    await runner.run();
    expect(untagCalls(shell)).toEqual([
      ["image", "rm", "reg.example.com/p/apim-le-cache:v6.0.0", "reg.example.com/p/apim-le-configui:v6.0.0"],
    ]);
    expect(shell.local.has(existing)).toBe(true);
  });

  it.each(["podman", "docker"] as const)("%s: no untag at all when every target name existed before the run", async (tool) => {
    const targets = THREE.map((i) => `${REGISTRY}/${i}:v6.0.0`);
    const { runner, shell } = setUp({
      flags: { registry: REGISTRY, containerTool: tool, image: THREE },
      shell: { localImages: [...THREE.map((i) => `apim/${i}:v6.0.0`), ...targets] },
    });
    expect((await runner.run()).results.map((r) => r.status)).toEqual(["pushed", "pushed", "pushed"]);
    // docker tags (each name was there already); podman pushes the sources with no tag.
    expect(shell.argsOf("tag").map((a) => a[2])).toEqual(tool === "docker" ? targets : []);
    expect(untagCalls(shell)).toEqual([]);
    expect(targets.every((t) => shell.local.has(t))).toBe(true);
  });

  it("preflight records the local id of every source and target (undefined: not there)", async () => {
    const existing = "reg.example.com/p/apim-le-toolkit:v6.0.0";
    const { runner, shell } = setUp({
      flags: { registry: REGISTRY, image: ["apim-le-cache", "apim-le-toolkit"] },
      shell: { localImages: ["apim/apim-le-cache:v6.0.0", "apim/apim-le-toolkit:v6.0.0", existing] },
    });
    await runner.run();
    expect(Object.fromEntries(runner.localImages)).toEqual({
      "apim/apim-le-cache:v6.0.0": fakeImageId("apim/apim-le-cache:v6.0.0"),
      "reg.example.com/p/apim-le-cache:v6.0.0": undefined,
      "apim/apim-le-toolkit:v6.0.0": fakeImageId("apim/apim-le-toolkit:v6.0.0"),
      [existing]: fakeImageId(existing),
    });
    // All inspected by one command, in plan order, by preflight; push-job asks no more.
    expect(shell.argsOf("image").filter((a) => a[1] === "inspect")).toEqual([
      [
        "image",
        "inspect",
        "--format",
        INSPECT_FORMAT,
        "apim/apim-le-cache:v6.0.0",
        "reg.example.com/p/apim-le-cache:v6.0.0",
        "apim/apim-le-toolkit:v6.0.0",
        existing,
      ],
    ]);
  });

  it("no untag when the source already is the target (-p names the registry)", async () => {
    const { runner, shell } = setUp({ flags: { registry: REGISTRY, sourcePath: REGISTRY, image: ["apim-le-cache"] } });
    await runner.run();
    expect(shell.mutatingArgs()).toEqual([
      ["tag", "reg.example.com/p/apim-le-cache:v6.0.0", "reg.example.com/p/apim-le-cache:v6.0.0"],
      ["push", "reg.example.com/p/apim-le-cache:v6.0.0"],
    ]);
    expect(shell.local.has("reg.example.com/p/apim-le-cache:v6.0.0")).toBe(true);
  });

  it("docker: every temporary name is removed, pushed or failed", async () => {
    const { runner, shell } = setUp({
      flags: { registry: REGISTRY, image: THREE },
      shell: {
        answers: [
          {
            when: (c) => c.args[0] === "push" && c.args[1]?.includes("toolkit") === true,
            result: fail("received unexpected HTTP status: 502 Bad Gateway", 1),
          },
        ],
      },
    });
    const report = await runner.run();
    expect(report.results.map((r) => r.status)).toEqual(["pushed", "failed", "pushed"]);
    // One command, after the last push, in the order the tags were made (-j 3: plan order).
    expect(untagCalls(shell)).toEqual([
      expectedUntag(
        "docker",
        THREE.map((i) => `${REGISTRY}/${i}:v6.0.0`),
      ),
    ]);
    expect(shell.mutatingArgs().at(-1)).toEqual(
      expectedUntag(
        "docker",
        THREE.map((i) => `${REGISTRY}/${i}:v6.0.0`),
      ),
    );
    expect([...shell.local.keys()].sort()).toEqual(THREE.map((i) => `apim/${i}:v6.0.0`).sort());
  });
});

describe("a failing tag", () => {
  it("podman tagging for a plugin: fails that image without a push or an untag; the others go on", async () => {
    const { runner, shell } = setUp({
      flags: { registry: REGISTRY, containerTool: "podman", image: ["apim-le-cache", "apim-le-toolkit"] },
      shell: {
        answers: [
          {
            when: (c) => c.args[0] === "tag" && c.args[1] === "apim/apim-le-cache:v6.0.0",
            result: fail("Error: apim/apim-le-cache:v6.0.0: image not known"),
          },
        ],
      },
    });
    runner.hooks.tagArgs.tap("site-tag", (args) => args);
    const report = await runner.run();
    expect(report.results.map((r) => [r.status, r.error?.code])).toEqual([
      ["failed", "SOURCE_IMAGE_MISSING"],
      ["pushed", undefined],
    ]);
    expect(report.results[0]?.error?.message).toBe("tag of apim-le-cache: the source image is not in local storage");
    expect(shell.mutatingArgs()).toEqual([
      ["tag", "apim/apim-le-cache:v6.0.0", "reg.example.com/p/apim-le-cache:v6.0.0"],
      ["tag", "apim/apim-le-toolkit:v6.0.0", "reg.example.com/p/apim-le-toolkit:v6.0.0"],
      ...expectedRun("podman", "apim/apim-le-toolkit:v6.0.0", "reg.example.com/p/apim-le-toolkit:v6.0.0"),
      expectedUntag("podman", ["reg.example.com/p/apim-le-toolkit:v6.0.0"]),
    ]);
  });
});

describe("missing source images", () => {
  it.each(["podman", "docker"] as const)("%s: all listed in one SOURCE_IMAGE_MISSING, nothing tagged or pushed", async (tool) => {
    const { runner, shell, preflightRan } = setUp({
      flags: { registry: REGISTRY, containerTool: tool, image: THREE, sourceTag: "v6.0.9" },
      shell: { localImages: ["apim/apim-le-toolkit:v6.0.9"] },
    });
    const error = await rejectionOf(runner.run());
    expect(error).toMatchObject({ code: "SOURCE_IMAGE_MISSING", exitCode: 1 });
    expect(error.message).toBe(
      `2 of 3 source images not found in ${tool}'s local storage: apim/apim-le-cache:v6.0.9, apim/apim-le-configui:v6.0.9`,
    );
    expect(error.hint).toContain(`${tool} images`);
    // One inspect for all six references; the missing ones are read from its stderr, with no second look
    // (docker then asks about localhost/, for the hint).
    const references = THREE.flatMap((i) => [`apim/${i}:v6.0.9`, `${REGISTRY}/${i}:v6.0.9`]);
    expect(shell.calls.filter((c) => c.args[1] === "inspect").map((c) => c.args)).toEqual([
      ["image", "inspect", "--format", INSPECT_FORMAT, ...references],
      ...(tool === "docker" ? [["image", "inspect", "--format", INSPECT_FORMAT, "localhost/apim/apim-le-cache:v6.0.9"]] : []),
    ]);
    expect(Object.fromEntries(runner.localImages)).toEqual(
      Object.fromEntries(references.map((r) => [r, r === "apim/apim-le-toolkit:v6.0.9" ? fakeImageId(r) : undefined])),
    );
    expect(shell.mutatingArgs()).toEqual([]);
    expect(preflightRan).toEqual(["container-tool", "source-images"]);
  });

  it("docker holding them as localhost/<path>/... (loaded from a podman archive): the hint says -p localhost/apim", async () => {
    const { runner, shell } = setUp({
      flags: { registry: REGISTRY, image: ["apim-le-cache"] },
      shell: { localImages: ["localhost/apim/apim-le-cache:v6.0.0"] },
    });
    const error = await rejectionOf(runner.run());
    expect(error.code).toBe("SOURCE_IMAGE_MISSING");
    expect(error.hint).toContain("add -p localhost/apim");
    expect(shell.mutatingArgs()).toEqual([]);
  });
});

describe("the container tool", () => {
  it.each([
    ["podman", "-c docker"],
    ["docker", "-c podman"],
  ] as const)("%s not on PATH (exit 127) is TOOL_NOT_FOUND, and nothing else is run", async (tool, other) => {
    const { runner, shell } = setUp({
      flags: { registry: REGISTRY, containerTool: tool },
      shell: { answers: [{ when: verb("version"), result: fail(`bash: line 1: ${tool}: command not found`, 127) }] },
    });
    const error = await rejectionOf(runner.run());
    expect(error).toMatchObject({ code: "TOOL_NOT_FOUND", exitCode: 1, message: `${tool} is not installed or not on PATH` });
    expect(error.hint).toContain(other);
    expect(shell.calls.map((c) => c.args[0])).toEqual(["version"]);
  });

  it.each([
    ["Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", "DAEMON_NOT_RUNNING"],
    [
      "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: dial unix /var/run/docker.sock: connect: permission denied",
      "DOCKER_SOCKET_PERMISSION",
    ],
    ["Error: something odd happened", "TOOL_NOT_RESPONDING"],
  ])("docker version failing with %s is %s", async (stderr, code) => {
    const { runner, shell } = setUp({
      flags: { registry: REGISTRY },
      shell: { answers: [{ when: verb("version"), result: { exitCode: 1, stdout: "Client:\n Version: 27.5.1\n", stderr } }] },
    });
    expect((await rejectionOf(runner.run())).code).toBe(code);
    expect(shell.calls).toHaveLength(1);
  });
});

describe("an interrupt", () => {
  it("mid-push (-j 1): the children are stopped, the temporary tag removed, the rest not started", async () => {
    let interrupt = () => {};
    const first = "reg.example.com/p/apim-le-cache:v6.0.0";
    const { runner, shell } = setUp({
      flags: { registry: REGISTRY, containerTool: "podman", image: THREE, concurrency: "1" },
      shell: { answers: [{ when: (c) => pushOf(first)(c) && (interrupt(), true), result: fail("", 143) }] },
    });
    interrupt = () => runner.interrupt("SIGINT");
    const report = await runner.run();
    expect(report.interruptedBy).toBe("SIGINT");
    expect(report.results.map((r) => [r.status, r.error?.code])).toEqual([["failed", "INTERRUPTED"]]);
    expect(report.planned).toBe(3);
    expect(
      report.notStarted.map((job) => job.image),
      "what the interrupt kept from starting",
    ).toEqual(THREE.slice(1));
    const json = JSON.parse(reportJson(report)) as {
      images: { image: string; status: string }[];
      summary: Record<string, number>;
    };
    expect(json.images.map((entry) => [entry.image, entry.status])).toEqual([
      ["apim-le-cache", "failed"],
      ["apim-le-toolkit", "not-started"],
      ["apim-le-configui", "not-started"],
    ]);
    expect(json.summary).toMatchObject({ failed: 1, "not-started": 2 });
    expect(summaryLines(report)[0]).toMatch(/^1 failed, 2 not started in /);
    expect(shell.stopAllCalls).toBe(1);
    expect(shell.mutatingArgs()).toEqual(expectedRun("podman", "apim/apim-le-cache:v6.0.0", first));
    expect(shell.local.has(first)).toBe(false);
  });

  it("during preflight: the run stops before the first tag", async () => {
    let interrupt = () => {};
    const { runner, shell } = setUp({
      flags: { registry: REGISTRY, image: THREE },
      shell: { answers: [{ when: (c) => verb("version")(c) && (interrupt(), false), result: fail("") }] },
    });
    interrupt = () => runner.interrupt("SIGTERM");
    const error = await runner.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(shell.mutatingArgs()).toEqual([]);
    // --json still lists the plan: every image, none started.
    const json = JSON.parse(errorJson(error)) as { images: { image: string; status: string }[] };
    expect(json.images.map((entry) => [entry.image, entry.status])).toEqual(THREE.map((image) => [image, "not-started"]));
  });
});
