/**
 * A closed output stream never stops a push (issue 20): with
 * `push-images ... 2>&1 | head -3`, `head` exits after its lines and every
 * later write of the program fails with EPIPE. The push goes on to the end,
 * cleans up, and the exit code says how the push went; the registry, read
 * through its API, holds every image.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { waitFor } from "../bed/wait.ts";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { startCli } from "./helpers/cli.ts";
import { describeRun, EXIT } from "./helpers/expect-cli.ts";
import { expectPushed, pick } from "./helpers/expect-registry.ts";
import { testDir } from "./helpers/local-tools.ts";
import { LOOPBACK_FLAGS } from "./helpers/tool-flags.ts";

const bed = useBed();
const { plain } = bed.registries;
const IMAGES = ["apim-le-cache", "apim-le-toolkit", "apim-le-configui"];

describe("output closed after the first line, as by `2>&1 | head -1`", () => {
  it.each(["podman", "docker"] as const)("-c %s: the push goes on to the end, exit 0, nothing left in TMPDIR", async (tool) => {
    const path = uniqueName();
    const tmp = testDir();
    const run = startCli(
      ["-r", `${plain.host}/${path}`, ...LOOPBACK_FLAGS[tool], ...IMAGES.flatMap((image) => ["-i", image]), "--json"],
      { env: { TMPDIR: tmp } },
    );
    await waitFor(async () => run.output().stderr.includes("\n"), {
      what: "the first line",
      intervalMs: 10,
      abort: () => (run.running() ? undefined : `the run ended first:\n${run.output().stderr}`),
    });
    run.closeOutput();
    const r = await run.result;

    expect(r.code, describeRun(r)).toBe(EXIT.ok);
    const ids = tool === "podman" ? bed.images.defaults.podmanIds : bed.images.defaults.dockerIds;
    await expectPushed(plain, path, "v6.0.0", pick(ids, IMAGES));
    expect(readdirSync(tmp), "left in TMPDIR").toEqual([]);
  });
});
