/**
 * -n: the plan and the exact commands (src/core/plan-display.ts) are printed
 * before preflight, so they show even when a check fails; the read-only
 * checks run; no tag, push or untag reaches the shell.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { INSPECT_FORMAT } from "../../src/engine/container-tool.ts";
import { rejectionOf, setUp } from "./harness.ts";

const lines = (logged: string[]) => logged.join("").split("\n");

describe("--dry-run", () => {
  it("prints the plan before the first check", async () => {
    const { runner, logged } = setUp({
      flags: {
        registry: "reg.example.com/p",
        image: ["apim-le-cache", "apim-le-toolkit"],
        containerTool: "podman",
        dryRun: true,
      },
    });
    await runner.run();
    const shown = lines(logged);
    expect(shown[0]).toBe("Plan: 2 images with podman");
    expect(shown.indexOf("Plan: 2 images with podman")).toBeLessThan(shown.indexOf("podman 5.4.2 answers"));
  });

  it("prints the plan although a source image is missing, then fails in preflight", async () => {
    const { runner, shell, logged } = setUp({
      flags: { registry: "reg.example.com/p", image: ["apim-le-cache"], dryRun: true },
      shell: { localImages: [] },
    });
    expect((await rejectionOf(runner.run())).code).toBe("SOURCE_IMAGE_MISSING");
    expect(lines(logged).slice(0, 6)).toEqual([
      "Plan: 1 image with docker",
      "  apim/apim-le-cache:v6.0.0 -> reg.example.com/p/apim-le-cache:v6.0.0",
      "    $ docker tag apim/apim-le-cache:v6.0.0 reg.example.com/p/apim-le-cache:v6.0.0",
      "    $ docker push reg.example.com/p/apim-le-cache:v6.0.0",
      "  then, removing the temporary tags (those that were not there before):",
      "    $ docker image rm reg.example.com/p/apim-le-cache:v6.0.0",
    ]);
    expect(shell.mutatingArgs()).toEqual([]);
  });

  it("runs only commands that change nothing, and reads no manifest", async () => {
    const { runner, shell, store } = setUp({ flags: { registry: "reg.example.com/p", image: ["apim-le-cache"], dryRun: true } });
    await runner.run();
    // The plan's own inspect of the sources (for the layer order), then preflight's.
    expect(shell.calls.map((c) => [c.args, c.mutates])).toEqual([
      [["image", "inspect", "--format", INSPECT_FORMAT, "apim/apim-le-cache:v6.0.0"], false],
      [["version", "--format", "{{.Server.Version}}"], false],
      [
        ["image", "inspect", "--format", INSPECT_FORMAT, "apim/apim-le-cache:v6.0.0", "reg.example.com/p/apim-le-cache:v6.0.0"],
        false,
      ],
    ]);
    expect(store.requests).toEqual([]);
  });

  it("a plugin's --password in the push arguments is masked in the plan", async () => {
    const digestFile = join(tmpdir(), "push-images-XXXXXX", "digest");
    expect(await shownPush("--password", "hunter2")).toBe(
      `    $ podman push --password=**** --digestfile ${digestFile} apim/apim-le-cache:v6.0.0 docker://reg.example.com/p/apim-le-cache:v6.0.0`,
    );
  });
});

describe("podman's --creds in a plan", () => {
  // podman's --creds USER:PASSWORD, which a site plugin could add through
  // pushArgs, must be masked in the plan and with -v like --password is.
  it("is masked", async () => {
    const line = await shownPush("--creds", "pusher:hunter2");
    expect(line).toContain("--creds=");
    expect(line).not.toContain("hunter2");
  });
});

/** The push command a dry-run plan shows when a plugin adds `flag=value`. */
async function shownPush(flag: string, value: string): Promise<string | undefined> {
  const { runner, logged } = setUp({
    flags: { registry: "reg.example.com/p", image: ["apim-le-cache"], containerTool: "podman", dryRun: true },
  });
  runner.hooks.pushArgs.tap("site-login", (args) => [args[0] ?? "push", `${flag}=${value}`, ...args.slice(1)]);
  await runner.run();
  const push = lines(logged).filter((line) => line.startsWith("    $ podman push"));
  expect(push).toHaveLength(1);
  return push[0];
}
