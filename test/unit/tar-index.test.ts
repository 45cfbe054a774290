/**
 * The tar walk under the bundle reader and the tar writer under `save`:
 * offsets that point at each member's bytes (pax long names and links
 * included), parts that are plain
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

describe("TarWriter", () => {
  it("parts are byte slices of one tar that GNU tar lists and extracts, each with its sum", async () => {
    const dir = scratchDir();
    const big = noise(10_000, 9);
    const writer = new TarWriter((index) => join(dir, `out.tar.${String(index).padStart(3, "0")}`), 4096);
    await writer.addBuffer("oci-layout", Buffer.from("{}"));
    // A streamed entry's header is written last, into a part closed since; one named undefined is taken out again.
    const pieces = async function* (bytes: Buffer) {
      for (let at = 0; at < bytes.length; at += 3000) yield bytes.subarray(at, at + 3000);
    };
    await writer.addStream(pieces(big), () => `blobs/sha256/${"a".repeat(64)}`);
    await writer.addStream(pieces(noise(9_000, 3)), () => undefined);
    await writer.addBuffer("index.json", Buffer.from("[]"));
    await writer.finish();
    const sizes = writer.files.map((file) => readFileSync(file).length);
    expect(sizes.slice(0, -1).every((size) => size === 4096)).toBe(true);
    expect(sizes.at(-1)).toBeLessThanOrEqual(4096);
    expect(writer.sums()).toEqual(
      writer.files.map((file) => ({ size: readFileSync(file).length, sha256: sha256(readFileSync(file)).slice(7) })),
    );
    const joined = join(dir, "joined.tar");
    writeFileSync(joined, Buffer.concat(writer.files.map((file) => readFileSync(file))));
    expect(execFileSync("tar", ["-tf", joined], { encoding: "utf8" }).trim().split("\n")).toEqual([
      "oci-layout",
      `blobs/sha256/${"a".repeat(64)}`,
      "index.json",
    ]);
    const out = join(dir, "x");
    mkdirSync(out);
    execFileSync("tar", ["-xf", joined, "-C", out]);
    expect(readFileSync(join(out, "blobs", "sha256", "a".repeat(64)))).toEqual(big);
    expect(readFileSync(join(out, "oci-layout"), "utf8")).toBe("{}");
  });
});

describe("parseSplitSize", () => {
  it("takes bytes and 1024-based K, M, G, T", () => {
    expect(parseSplitSize("4G", "b.tar")).toBe(4 * 1024 ** 3);
    expect(parseSplitSize("700M", "b.tar")).toBe(700 * 1024 ** 2);
    expect(parseSplitSize("4095m", "b.tar")).toBe(4095 * 1024 ** 2);
    expect(parseSplitSize("2097152", "b.tar")).toBe(2097152);
  });

  it.each(["", "big", "4X", "-1G", "1.5G", "100K"])("refuses %j with INVALID_SIZE (exit 2) and a command that works", (value) => {
    let error: unknown;
    try {
      parseSplitSize(value, "b.tar");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PushImagesError);
    expect(error).toMatchObject({ code: "INVALID_SIZE", exitCode: 2, hint: "push-images save -o b.tar --split 4095M" });
  });
});
