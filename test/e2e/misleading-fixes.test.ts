/**
 * Fixes that once misled (issue 10, defect 8): each `Fix:` line must be
 * something that works when typed. -r with a tag or a digest (the fix
 * repeated the bad value, or read `x@` as a login), an IPv6 literal (passed
 * validation, then podman refused it and the registry was blamed),
 * TLS_UNTRUSTED (told an operator to run Node.js with --use-system-ca),
 * DISK_FULL during save (said 'podman system prune', named no place).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { expectInvalid } from "./helpers/expect-invalid.ts";
import { expectNoTrace, expectPushed, pick } from "./helpers/expect-registry.ts";
import { testDir, toolRaw } from "./helpers/local-tools.ts";

const bed = useBed();
const { plain, tls } = bed.registries;
const apim = bed.images.defaults;
const image = "apim-le-cacheloader";
const podman = ["-c", "podman", "-t", "-i", image];
const fixLine = (error: string) => /Fix: (.*)/.exec(error)?.[1] ?? "";

describe.concurrent("-r with a tag or a digest", () => {
  it("host/x:tag: the fix drops the tag from -r and passes it to -d", async () => {
    const token = uniqueName();
    const { error } = await expectInvalid(["-r", `${plain.host}/${token}:v7`, ...podman], "INVALID_REGISTRY", token);
    expect(fixLine(error)).toBe(`use -r ${plain.host}/${token} -d v7`);
  });

  it("host/x@sha256:...: read as a digest, not a login; the fix drops it", async () => {
    const token = uniqueName();
    const digest = `sha256:${"ab".repeat(32)}`;
    const { error } = await expectInvalid(["-r", `${plain.host}/${token}@${digest}`, ...podman], "INVALID_REGISTRY", token);
    expect(error).toContain(`'${digest}' is an image digest`);
    expect(error).not.toContain("login");
    expect(fixLine(error)).toBe(`use -r ${plain.host}/${token}`);
  });

  it("the fix, typed, pushes", async () => {
    const token = uniqueName();
    const { error } = await expectInvalid(["-r", `${plain.host}/${token}:v7`, ...podman], "INVALID_REGISTRY", token);
    const fixed = fixLine(error).replace(/^use /, "").split(" ");
    expectSuccess(await runCli([...fixed, ...podman]));
    await expectPushed(plain, token, "v7", pick(apim.podmanIds, [image]));
  });
});

describe.concurrent("an IPv6 literal registry", () => {
  const port = plain.host.split(":")[1] ?? "5000";

  it("podman itself refuses the name (why it is refused up front)", async () => {
    const r = await toolRaw("podman", ["tag", `${apim.path}/${image}:${apim.tag}`, `[::1]:${port}/${uniqueName()}/${image}:v1`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("invalid reference format");
  });

  it.each([["podman"], ["docker"]])("-c %s: INVALID_REGISTRY, exit 2, the fix names it in /etc/hosts", async (tool) => {
    const token = uniqueName();
    const { error } = await expectInvalid(
      ["-r", `[::1]:${port}/${token}`, "-c", tool, "-t", "-i", image],
      "INVALID_REGISTRY",
      token,
    );
    expect(error).toContain("IPv6");
    expect(fixLine(error)).toBe(
      `name the address in /etc/hosts (echo '::1 registry6.internal' | sudo tee -a /etc/hosts), then use -r registry6.internal:${port}/${token}`,
    );
  });
});

describe("TLS_UNTRUSTED", () => {
  it("says why in an operator's words: no advice to run Node.js with --use-system-ca", async () => {
    const token = uniqueName();
    const error = expectError(
      await runCli(["-r", `${tls.host}/${token}`, "-c", "podman", "-i", image]),
      EXIT.failed,
      "TLS_UNTRUSTED",
    );
    expect(error).toContain(`the TLS certificate of ${tls.host} is not trusted (signed by an unknown authority)`);
    expect(error).not.toMatch(/Node\.js|--use-system-ca/);
    await expectNoTrace(token);
  });
});

describe("DISK_FULL during save", () => {
  // A tmpfs of one page: podman save's first write to it fails with ENOSPC.
  let full = "";
  beforeAll(() => {
    full = join(testDir(), "full");
    mkdirSync(full);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=4k", "tmpfs", full]);
  });
  afterAll(() => {
    execFileSync("umount", [full]);
  });

  it("names the full file system and how to see its space; no 'system prune'", async () => {
    const r = await runCli(["save", "-o", join(full, "apim-images.tar"), "-c", "podman", "-i", image]);
    const error = expectError(r, EXIT.failed, "DISK_FULL");
    expect(error).toContain(`no space left on the device holding ${full}`);
    expect(fixLine(error)).toBe(`free space on it (df -h ${full} shows how much is left), then run the same command again`);
    expect(error).not.toContain("prune");
    expect(readdirSync(full), "the partial archive is removed").toEqual([]);
  });
});
