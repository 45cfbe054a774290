/**
 * Images of random bytes for tests of large uploads: random bytes do not
 * compress, so a 200 MB file stays a 200 MB layer. Built with podman from
 * scratch; the payload is emptied afterwards so the test's directory does
 * not keep a second copy.
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { runCli } from "./cli.ts";
import { expectSuccess } from "./expect-cli.ts";
import { testDir, tool } from "./local-tools.ts";
import { sourceFlags } from "./tool-flags.ts";

/** Builds `ref` with one file of `bytes` random bytes; its image id (`sha256:...`). */
export async function buildRandomImage(ref: string, bytes: number): Promise<string> {
  const dir = testDir();
  const payload = join(dir, "payload");
  writeFileSync(payload, "");
  // Written in steps: one 200 MB buffer would double the test's memory.
  for (let written = 0; written < bytes; written += 10_000_000)
    appendFileSync(payload, randomBytes(Math.min(10_000_000, bytes - written)));
  writeFileSync(join(dir, "Containerfile"), "FROM scratch\nCOPY payload /payload\n");
  await tool("podman", ["build", "--quiet", "--pull=never", "--tag", ref, dir]);
  writeFileSync(payload, "");
  return `sha256:${(await tool("podman", ["image", "inspect", "--format", "{{.Id}}", ref])).trim()}`;
}

/** What `useRandomBundle` made: read in tests, after `beforeAll`. */
export interface RandomBundle {
  imageId: string;
  bundle: string;
}

/**
 * For one test file: `sourcePath/image:v1` with one layer of `bytes`
 * random bytes, and a bundle of it made by `save`, built before the
 * file's tests and removed from podman after them.
 */
export function useRandomBundle(sourcePath: string, image: string, bytes: number): RandomBundle {
  const made: RandomBundle = { imageId: "", bundle: "" };
  beforeAll(async () => {
    made.imageId = await buildRandomImage(`${sourcePath}/${image}:v1`, bytes);
    made.bundle = join(testDir(), "big.tar");
    const saved = await runCli(["save", "-o", made.bundle, "-c", "podman", ...sourceFlags(sourcePath, [image])]);
    expectSuccess(saved);
  });
  afterAll(async () => {
    await tool("podman", ["rmi", `${sourcePath}/${image}:v1`]);
  });
  return made;
}
