/**
 * The tar walk under the bundle reader and the tar writer under `save`:
 * offsets that point at each member's bytes (pax long names and links
 * included), one read that hashes members and parts, parts that are plain
 * byte slices of one tar, and --split's size rule.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { c as createTar } from "tar";
import { describe, expect, it } from "vitest";
import { PartSource } from "../../src/bundle/part-source.ts";
import { parseSplitSize } from "../../src/bundle/split-size.ts";
import { indexTar, resolveEntry } from "../../src/bundle/tar-index.ts";
import { TarWriter } from "../../src/bundle/tar-writer.ts";
import { PushImagesError } from "../../src/core/errors.ts";
import { noise, scratchDir, sha256, splitFile } from "./bundle-fixtures.ts";

// A name of more than 100 bytes with no '/' to split at: node-tar writes a pax header for it.
const LONG = `${"d".repeat(20)}/${"f".repeat(110)}.tar`;

async function sample(): Promise<{ file: string; contents: Map<string, Buffer> }> {
  const dir = scratchDir();
  const root = join(dir, "root");
  const contents = new Map<string, Buffer>([
    ["small.json", Buffer.from('{"a":1}')],
    [LONG, noise(5000, 3)],
    ["empty", Buffer.alloc(0)],
  ]);
  for (const [path, bytes] of contents) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
  symlinkSync(LONG, join(root, "d-link"));
  const file = join(dir, "sample.tar");
  await createTar({ file, cwd: root, portable: true }, ["small.json", LONG, "empty", "d-link"]);
  return { file, contents };
}

const sourceOf = (files: string[]) => PartSource.of(files.map((file) => ({ file, size: readFileSync(file).length })));

describe("indexTar", () => {
  it("records each member's offset, long (pax) names and links included", async () => {
    const { file, contents } = await sample();
    const bytes = readFileSync(file);
    const index = await indexTar(sourceOf([file]));
    expect(index.complete).toBe(true);
    for (const [path, content] of contents) {
      const entry = index.entries.get(path);
      expect(bytes.subarray(entry?.offset, (entry?.offset ?? 0) + (entry?.size ?? 0))).toEqual(content);
    }
    expect(resolveEntry(index.entries, "d-link")?.path).toBe(LONG);
  });

  it("reads split parts as one tar", async () => {
    const { file } = await sample();
    const whole = await indexTar(sourceOf([file]));
    const split = await indexTar(sourceOf(splitFile(file, 700)));
    expect([...split.entries.values()]).toEqual([...whole.entries.values()]);
  });

  it("stops when asked to (Ctrl-C)", async () => {
    const { file } = await sample();
    await expect(indexTar(sourceOf([file]), { signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
  });
});
