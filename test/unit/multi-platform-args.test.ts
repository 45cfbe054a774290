/**
 * Multi-platform images through podman (issue 21): the exact argument
 * lists of a manifest list's push, with the TLS and CA options plugins add
 * after its two-word verb, and the temporary list --platform makes; and
 * the --platform rules (a bad value, a platform the image lacks).
 */
import { describe, expect, it } from "vitest";
import { ContainerTool } from "../../src/engine/container-tool.ts";
import { TemporaryLists } from "../../src/engine/list-source.ts";
import type { LocalList } from "../../src/engine/local-lists.ts";
import { withOptionAfterVerb } from "../../src/engine/push-args.ts";
import type { CommandResult, Shell } from "../../src/engine/shell.ts";
import { choosePlatforms, parsePlatform } from "../../src/core/platforms.ts";

const job = { image: "apim-le-cache", source: "apim/apim-le-cache:v6.0.0", target: "reg.example.com/p/apim-le-cache:v6.0.0" };
const AMD = { platform: { os: "linux", architecture: "amd64" }, digest: "sha256:aa", id: "sha256:a1", layers: [] };
const ARM = { platform: { os: "linux", architecture: "arm64", variant: "v8" }, digest: "sha256:bb", id: "sha256:b1", layers: [] };
const S390X = { platform: { os: "linux", architecture: "s390x" }, digest: "sha256:cc", id: "sha256:c1", layers: [] };

/** Records every command and answers each with success. */
function recordingShell(): Shell & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run: async (command: string, args: readonly string[]): Promise<CommandResult> => {
      calls.push([command, ...args]);
      return { exitCode: 0, stdout: "", stderr: "" };
    },
    stopAll: () => undefined,
  };
}

const list = (chosen: LocalList["chosen"]): LocalList => ({ platforms: [AMD, ARM, S390X], chosen, layers: [] });

describe("podman's push of a manifest list", () => {
  const tool = new ContainerTool("podman", recordingShell());

  it("is `manifest push --all` of the list to docker://TARGET, with its digest file", () => {
    expect(tool.listPushArgs(job.source, job, "/tmp/d")).toEqual([
      "manifest",
      "push",
      "--all",
      "--digestfile",
      "/tmp/d",
      "apim/apim-le-cache:v6.0.0",
      "docker://reg.example.com/p/apim-le-cache:v6.0.0",
    ]);
  });

  it("takes -t and --cert-dir after its two-word verb, as plugins add them", () => {
    const args = withOptionAfterVerb(
      withOptionAfterVerb(tool.listPushArgs(job.source, job, "/d"), "--tls-verify=false"),
      "--cert-dir",
      "/c",
    );
    expect(args.slice(0, 6)).toEqual(["manifest", "push", "--cert-dir", "/c", "--tls-verify=false", "--all"]);
    expect(withOptionAfterVerb(["push", "x", "docker://y"], "--tls-verify=false")).toEqual([
      "push",
      "--tls-verify=false",
      "x",
      "docker://y",
    ]);
  });

  it("every platform kept: the list itself, no temporary list", async () => {
    const shell = recordingShell();
    expect(await new TemporaryLists(tool, shell).sourceOf(job, list([AMD, ARM, S390X]))).toEqual({
      reference: job.source,
      list: true,
    });
    expect(shell.calls).toEqual([]);
  });

  it("one platform kept: that platform's image, by its id", async () => {
    const shell = recordingShell();
    expect(await new TemporaryLists(tool, shell).sourceOf(job, list([ARM]))).toEqual({ reference: "sha256:b1", list: false });
    expect(shell.calls).toEqual([]);
  });

  it("some kept: a temporary list of their images, removed in one command at the end", async () => {
    const shell = recordingShell();
    const lists = new TemporaryLists(tool, shell);
    const made = await lists.sourceOf(job, list([AMD, ARM]));
    expect(made.list).toBe(true);
    expect(made.reference).toMatch(/^localhost\/push-images-temporary\/apim-le-cache:[0-9a-f]{12}$/);
    expect(shell.calls).toEqual([
      ["podman", "manifest", "create", made.reference],
      ["podman", "manifest", "add", made.reference, "containers-storage:sha256:a1"],
      ["podman", "manifest", "add", made.reference, "containers-storage:sha256:b1"],
    ]);
    await lists.remove();
    expect(shell.calls.at(-1)).toEqual(["podman", "manifest", "rm", made.reference]);
  });
});

describe("--platform", () => {
  it("is os/arch[/variant]; anything else is INVALID_PLATFORM, exit 2", () => {
    expect(parsePlatform("linux/arm64/v8", "push-images")).toEqual({ os: "linux", architecture: "arm64", variant: "v8" });
    expect(() => parsePlatform("arm64", "push-images")).toThrow(
      expect.objectContaining({ code: "INVALID_PLATFORM", exitCode: 2 }),
    );
    expect(() => parsePlatform("linux/arm64/v8/x", "push-images")).toThrow(/os\/arch\[\/variant\]/);
  });

  it("keeps what is asked for (a variant left out matches any); a platform not there names those there are", () => {
    const all = [AMD, ARM];
    expect(choosePlatforms(all, [], "x")).toEqual(all);
    expect(choosePlatforms(all, [parsePlatform("linux/arm64", "p")], "x")).toEqual([ARM]);
    expect(() => choosePlatforms(all, [parsePlatform("linux/arm64/v7", "p")], "x")).toThrow(
      expect.objectContaining({
        code: "PLATFORM_MISSING",
        exitCode: 2,
        message: "x has no linux/arm64/v7 image; it has linux/amd64, linux/arm64/v8",
      }),
    );
  });
});
