/**
 * Preflight failures other than TLS and auth: the registry is down, the
 * container tool is missing, the docker daemon is not running. Each is
 * exit 1 with its own code, before anything is pushed.
 */
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../bed/ports.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { EXIT, expectError } from "./helpers/expect-cli.ts";
import { expectNoTrace } from "./helpers/expect-registry.ts";
import { testDir } from "./helpers/local-tools.ts";

const bed = useBed();
const { plain } = bed.registries;

/** A PATH with nothing but bash and sh (zx needs bash): podman and docker are not found. */
function pathWithoutContainerTools(): string {
  const dir = testDir();
  for (const shell of ["bash", "sh"]) symlinkSync(`/bin/${shell}`, join(dir, shell));
  return dir;
}

describe("the registry is down", () => {
  it.each([
    ["podman", ["-c", "podman", "-t"]],
    ["docker", ["-c", "docker"]],
  ] as const)("%s: REGISTRY_UNREACHABLE", async (_tool, flags) => {
    // A port that was free a moment ago: nothing listens there.
    const down = `127.0.0.1:${await freePort()}`;
    const token = uniqueName();
    const r = await runCli(["-r", `${down}/${token}`, ...flags, "-i", "apim-le-cache"]);
    const error = expectError(r, EXIT.failed, "REGISTRY_UNREACHABLE");
    expect(error).toContain(down);
  });
});

describe("the container tool cannot run", () => {
  it.each(["podman", "docker"])("%s is not on PATH: TOOL_NOT_FOUND", async (tool) => {
    const token = uniqueName();
    const r = await runCli(["-r", `${plain.host}/${token}`, "-c", tool, "-t"], { env: { PATH: pathWithoutContainerTools() } });
    const error = expectError(r, EXIT.failed, "TOOL_NOT_FOUND");
    expect(error).toContain(tool);
    await expectNoTrace(token);
  });

  it("with -v, the failed command follows the error: as it can be pasted, its exit code and what it means, its stderr", async () => {
    const env = { PATH: pathWithoutContainerTools() };
    const r = await runCli(["-r", `${plain.host}/${uniqueName()}`, "-c", "podman", "-t", "-v"], { env });
    expectError(r, EXIT.failed, "TOOL_NOT_FOUND");
    const detail = r.stderr.split("\n").filter((line) => line.startsWith("  | "));
    const command = "  | $ podman version --format '{{.Client.Version}}'";
    expect(detail.slice(0, 2), r.stderr).toEqual([command, "  | exit code 127 (command not found)"]);
    expect(detail.slice(2).join("\n"), r.stderr).toMatch(/podman: command not found/);
  });

  it("the docker daemon is not running: DAEMON_NOT_RUNNING", async () => {
    const token = uniqueName();
    const socket = join(testDir(), "docker.sock");
    const r = await runCli(["-r", `${plain.host}/${token}`, "-c", "docker"], { env: { DOCKER_HOST: `unix://${socket}` } });
    expectError(r, EXIT.failed, "DAEMON_NOT_RUNNING");
    expect(r.stderr).not.toContain("  | ");
    await expectNoTrace(token);
  });

  it("with -v, docker's own words follow the error", async () => {
    const socket = join(testDir(), "docker.sock");
    const r = await runCli(["-r", `${plain.host}/${uniqueName()}`, "-c", "docker", "-v"], {
      env: { DOCKER_HOST: `unix://${socket}` },
    });
    expectError(r, EXIT.failed, "DAEMON_NOT_RUNNING");
    expect(r.stderr).toMatch(new RegExp(`^  \\| .*${socket.replaceAll(".", "\\.")}`, "m"));
  });
});
