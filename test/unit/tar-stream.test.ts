/**
 * The tar reader `save` takes the container tool's pipe with: entries in
 * order with their bytes as they come, long names (GNU and pax) and links
 * resolved, and a stream that breaks off named as cut short.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTarStream, TarStreamError } from "../../src/bundle/tar-stream.ts";
import { noise, scratchDir } from "./bundle-fixtures.ts";

const LONG = `${"d".repeat(90)}/${"f".repeat(40)}.tar`;

/** A tar of a long-named file, a small one and a symlink, in GNU tar's `format`. */
function sample(format: "gnu" | "pax"): Buffer {
  const dir = scratchDir();
  mkdirSync(join(dir, "d".repeat(90)));
  writeFileSync(join(dir, LONG), noise(70_000, 5));
  writeFileSync(join(dir, "manifest.json"), "[]");
  symlinkSync(`../${LONG}`, join(dir, "link.tar"));
  const file = join(dir, "out.tar");
  execFileSync("tar", ["-cf", file, `--format=${format}`, "-C", dir, LONG, "manifest.json", "link.tar"]);
  return readFileSync(file);
}

/** The tar in pieces of `size` bytes, as a pipe hands them out. */
async function* inPieces(bytes: Buffer, size: number) {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function entries(source: AsyncIterable<Buffer>) {
  const found: Array<{ path: string; kind: string; linkPath: string; bytes: Buffer }> = [];
  for await (const { header, body } of readTarStream(source)) {
    const pieces: Buffer[] = [];
    for await (const piece of body) pieces.push(Buffer.from(piece));
    found.push({ path: header.path, kind: header.kind, linkPath: header.linkPath, bytes: Buffer.concat(pieces) });
  }
  return found;
}

describe("readTarStream", () => {
  it.each(["gnu", "pax"] as const)("reads a %s tar in pieces of any size, long names and links resolved", async (format) => {
    const tar = sample(format);
    for (const size of [13, 511, 4096, tar.length]) {
      const found = await entries(inPieces(tar, size));
      expect(found.map(({ path, kind, linkPath }) => [path, kind, linkPath])).toEqual([
        [LONG, "file", ""],
        ["manifest.json", "file", ""],
        ["link.tar", "symlink", `../${LONG}`],
      ]);
      expect(found[0]?.bytes).toEqual(noise(70_000, 5));
      expect(found[1]?.bytes.toString()).toBe("[]");
    }
  });

  it("names a stream that breaks off inside a member", async () => {
    const tar = sample("gnu");
    await expect(entries(inPieces(tar.subarray(0, 5000), 1000))).rejects.toThrow(TarStreamError);
    await expect(entries(inPieces(tar.subarray(0, 5000), 1000))).rejects.toThrow(
      /it ends inside .*f\.tar \(\d+ of its 70000 bytes came\)/,
    );
  });
});
