/**
 * Failures around the push: the tool missing or down, source images
 * missing, a failing tag, and leaving local storage as it was found.
 */
import { describe, expect, it } from "vitest";
import { InterruptedError } from "../../src/errors.ts";
import { fail, fakeImageId, pushOf, verb } from "./fake-shell.ts";
import { expectedSteps, rejectionOf, setUp } from "./harness.ts";

const REGISTRY = "reg.example.com/p";
const THREE = ["apim-le-cache", "apim-le-toolkit", "apim-le-configui"];

describe("local storage is left as found", () => {
  it("no untag for a target name that existed before the run", async () => {
    const existing = "reg.example.com/p/apim-le-toolkit:v6.0.0";
    const { runner, shell } = setUp({
      flags: { registry: REGISTRY, containerTool: "podman", image: THREE },
      shell: { localImages: ["apim/apim-le-cache:v6.0.0", "apim/apim-le-toolkit:v6.0.0", "apim/apim-le-configui:v6.0.0", existing] },
    });
    await runner.run();
    expect(shell.argsOf("untag").sort()).toEqual([
      ["untag", "reg.example.com/p/apim-le-cache:v6.0.0", "reg.example.com/p/apim-le-cache:v6.0.0"],
      ["untag", "reg.example.com/p/apim-le-configui:v6.0.0", "reg.example.com/p/apim-le-configui:v6.0.0"],
    ]);
    expect(shell.local.has(existing)).toBe(true);
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
    // Each is inspected once, by preflight; push-job asks no more.
    expect(shell.argsOf("image").filter((a) => a[1] === "inspect").map((a) => a.at(-1)).sort()).toEqual(Object.keys(Object.fromEntries(runner.localImages)).sort());
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
      shell: { answers: [{ when: (c) => c.args[0] === "push" && c.args[1]?.includes("toolkit") === true, result: fail("received unexpected HTTP status: 502 Bad Gateway", 1) }] },
    });
    const report = await runner.run();
    expect(report.results.map((r) => r.status)).toEqual(["pushed", "failed", "pushed"]);
    expect(shell.argsOf("image").filter((a) => a[1] === "rm").sort()).toEqual(THREE.map((i) => ["image", "rm", `${REGISTRY}/${i}:v6.0.0`]).sort());
    expect([...shell.local.keys()].sort()).toEqual(THREE.map((i) => `apim/${i}:v6.0.0`).sort());
  });
});

describe("a failing tag", () => {
  it("fails that image without a push or an untag; the others go on", async () => {
    const { runner, shell } = setUp({
      flags: { registry: REGISTRY, containerTool: "podman", image: ["apim-le-cache", "apim-le-toolkit"] },
      shell: { answers: [{ when: (c) => c.args[0] === "tag" && c.args[1] === "apim/apim-le-cache:v6.0.0", result: fail("Error: apim/apim-le-cache:v6.0.0: image not known") }] },
    });
    const report = await runner.run();
    expect(report.results.map((r) => [r.status, r.error?.code])).toEqual([
      ["failed", "SOURCE_IMAGE_MISSING"],
      ["pushed", undefined],
    ]);
    expect(report.results[0]?.error?.message).toBe("tag of apim-le-cache: the source image is not in local storage");
    expect(shell.mutatingArgs()).toEqual([
      ["tag", "apim/apim-le-cache:v6.0.0", "reg.example.com/p/apim-le-cache:v6.0.0"],
      ...expectedSteps("podman", "apim/apim-le-toolkit:v6.0.0", "reg.example.com/p/apim-le-toolkit:v6.0.0"),
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
    expect(error.message).toBe(`2 of 3 source images not found in ${tool}'s local storage: apim/apim-le-cache:v6.0.9, apim/apim-le-configui:v6.0.9`);
    expect(error.hint).toContain(`${tool} images`);
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
    ["permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: dial unix /var/run/docker.sock: connect: permission denied", "DOCKER_SOCKET_PERMISSION"],
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
    expect(shell.stopAllCalls).toBe(1);
    expect(shell.mutatingArgs()).toEqual(expectedSteps("podman", "apim/apim-le-cache:v6.0.0", first));
  });

  it("during preflight: the run stops before the first tag", async () => {
    let interrupt = () => {};
    const { runner, shell } = setUp({
      flags: { registry: REGISTRY, image: THREE },
      shell: { answers: [{ when: (c) => verb("version")(c) && (interrupt(), false), result: fail("") }] },
    });
    interrupt = () => runner.interrupt("SIGTERM");
    await expect(runner.run()).rejects.toBeInstanceOf(InterruptedError);
    expect(shell.mutatingArgs()).toEqual([]);
  });
});
