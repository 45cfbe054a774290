/**
 * `save --split SIZE` writes numbered parts FILE.000, FILE.001, ... of at
 * most SIZE bytes, each with a .sha256 that GNU sha256sum checks, and
 * nothing under FILE itself; joined with `cat`, the parts are the bundle
 * podman loads. A bad SIZE is refused with exit 2 before anything is saved.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { run } from "../bed/run.ts";
import { uniqueName } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { EXIT, expectError, expectSuccess } from "./helpers/expect-cli.ts";
import { forget, holdsImage } from "./helpers/fresh-image.ts";
import { testDir, tool } from "./helpers/local-tools.ts";
import { sharedLayerImages } from "./helpers/shared-layer-images.ts";

const MiB = 1024 * 1024;

describe("save --split", () => {
  it("writes parts of at most SIZE, each with a checked .sha256, that join into the bundle podman loads", async () => {
    const path = uniqueName("split");
    // Random bytes do not compress: a 3 MiB base layer makes a bundle of four 1 MiB parts.
    const made = await sharedLayerImages("podman", path, "v1", 3 * MiB);
    const dir = testDir();
    const bundle = join(dir, "bundle.tar");
    const r = await runCli([
      "save",
      "-o",
      bundle,
      "--split",
      "1M",
      "-c",
      "podman",
      "-p",
      path,
      "-s",
      "v1",
      ...made.images.flatMap((image) => ["-i", image]),
    ]);
    expectSuccess(r);

    const names = readdirSync(dir).sort();
    const parts = names.filter((name) => /^bundle\.tar\.\d{3}$/.test(name));
    expect(parts).toEqual(["bundle.tar.000", "bundle.tar.001", "bundle.tar.002", "bundle.tar.003"]);
    expect(names, "each part and its .sha256, nothing under bundle.tar itself").toEqual(
      parts.flatMap((part) => [part, `${part}.sha256`]).sort(),
    );
    const sizes = parts.map((part) => statSync(join(dir, part)).size);
    expect(sizes.slice(0, -1)).toEqual([MiB, MiB, MiB]);
    expect(sizes.at(-1)).toBeLessThanOrEqual(MiB);

    const { stdout } = await promisify(execFile)("sha256sum", ["-c", ...parts.map((part) => `${part}.sha256`)], { cwd: dir });
    expect(stdout.trim().split("\n")).toEqual(parts.map((part) => `${part}: OK`));
    expect(r.stderr).toContain("sha256sum -c bundle.tar.*.sha256");

    const joined = join(testDir(), "joined.tar");
    writeFileSync(joined, Buffer.concat(parts.map((part) => readFileSync(join(dir, part)))));
    // A layer's header is written once its gzip has passed, into a part closed by then: the joined tar still lists whole.
    expect((await run("tar", ["-tf", joined])).split("\n").filter(Boolean).slice(-2)).toEqual([
      "manifest.json",
      "push-images-index.json",
    ]);
    for (const id of made.ids) await forget("podman", id);
    await tool("podman", ["load", "-i", joined]);
    for (const id of made.ids) expect(await holdsImage("podman", id)).toBe(true);
  });

  it.each(["4X", "100K", "lots"])("refuses --split %s with exit 2 and a command that works, writing nothing", async (size) => {
    const dir = testDir();
    const r = await runCli(["save", "-o", join(dir, "bundle.tar"), "--split", size, "-c", "podman", "-i", "apim-le-cache"]);
    const error = expectError(r, EXIT.invalid, "INVALID_SIZE");
    expect(error).toContain(`--split ${size}`);
    expect(error).toMatch(/Fix: push-images save -o \S+bundle\.tar --split 4095M/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
