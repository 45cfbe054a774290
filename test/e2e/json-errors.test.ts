/**
 * With --json, stdout holds one JSON document whatever stopped the run:
 * scripts parse it without looking at the exit code first. Invalid input
 * (exit 2) and a failed preflight (exit 1) give `{ images: [], error }`.
 */
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli, type CliResult } from "./helpers/cli.ts";
import { describeRun, EXIT } from "./helpers/expect-cli.ts";

const bed = useBed();

function document(r: CliResult): {
  images: unknown[];
  error: { code: string; message: string; hint: string } | null;
  interrupted: unknown;
} {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`stdout is not one JSON document\n${describeRun(r)}`);
  }
}

describe.concurrent("--json when the run stops before its report", () => {
  it.each([
    ["an invalid registry", ["-r", "registry.example.com/apim/"], "INVALID_REGISTRY"],
    ["an unknown image", ["-r", "registry.example.com/apim", "-i", "no-such-image"], "UNKNOWN_IMAGE"],
    ["an unknown option", ["-r", "registry.example.com/apim", "--no-such-flag"], "USAGE"],
  ])("%s: exit 2 and the error as JSON", async (_what, args, code) => {
    const r = await runCli([...args, "--json"]);
    expect(r.code, describeRun(r)).toBe(EXIT.invalid);
    const { images, error, interrupted } = document(r);
    expect([images, error?.code, interrupted], describeRun(r)).toEqual([[], code, null]);
    expect(error?.hint, "the fix").not.toBe("");
  });

  it("a registry that is down: exit 1 and the error as JSON", async () => {
    const r = await runCli(["-r", `127.0.0.1:9/${uniqueName()}`, "-c", "podman", "-t", "--json"], {
      env: { PATH: bed.env.PATH },
    });
    expect(r.code, describeRun(r)).toBe(EXIT.failed);
    expect(document(r).error?.code, describeRun(r)).toBe("REGISTRY_UNREACHABLE");
  });
});
