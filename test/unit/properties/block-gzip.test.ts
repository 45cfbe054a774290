/**
 * blockGzip: whatever the input and however it arrives in chunks, the
 * output gunzips back to it with Node's own gunzip (one standard gzip
 * stream, CRC and size checked), is the same bytes for any window (the
 * number of blocks in flight, as a core count would change it), and
 * random bytes come out stored: no larger than the input plus framing.
 */
import { randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blockGzip, type BlockGzipOptions } from "../../../src/bundle/block-gzip.ts";
import { check } from "./check.ts";

async function gzip(input: Buffer, chunk: number, options: BlockGzipOptions): Promise<Buffer> {
  async function* source() {
    for (let at = 0; at < input.length; at += chunk) yield input.subarray(at, at + chunk);
  }
  const pieces: Buffer[] = [];
  // With reuse, a piece may be overwritten once the next is asked for: keep copies.
  for await (const piece of blockGzip(source(), options)) pieces.push(Buffer.from(piece));
  return Buffer.concat(pieces);
}

/** Inputs that mix what layers hold: runs of text, repeats, and random bytes, around block edges. */
const content = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 40_000 }).map((bytes) => Buffer.from(bytes)),
      fc.string({ maxLength: 3_000 }).map((text) => Buffer.from(text.repeat(7))),
      fc.nat({ max: 70_000 }).map((length) => Buffer.alloc(length, 0x61)),
    ),
    { maxLength: 6 },
  )
  .map((parts) => Buffer.concat(parts));

describe("blockGzip", () => {
  it("gunzips to its input, the same bytes for every window and chunking", async () => {
    await fc.assert(
      fc.asyncProperty(
        content,
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        async (input, chunk, window, reuse) => {
          const options = { blockBytes: 16 * 1024, level: 5 };
          const serial = await gzip(input, input.length || 1, { ...options, window: 1 });
          check(gunzipSync(serial).equals(input), () => `${input.length} bytes did not round-trip`);
          const parallel = await gzip(input, chunk, { ...options, window, reuse });
          check(parallel.equals(serial), () => `window ${window}, chunks of ${chunk}: other bytes than window 1`);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("stores random bytes: at most 0.01% more than the input, plus the gzip framing", async () => {
    const input = randomBytes(3 * 1024 * 1024 + 17);
    const output = await gzip(input, 65_536, { reuse: true });
    expect(gunzipSync(output).equals(input)).toBe(true);
    expect(output.length).toBeLessThanOrEqual(input.length * 1.0001 + 20);
  });

  it("compresses text as well as one serial gzip stream, within 1%", async () => {
    const line = (n: number) => `${n} the quick brown fox jumps over the lazy dog ${(n * 7919) % 1000}\n`;
    const input = Buffer.from(Array.from({ length: 60_000 }, (_, n) => line(n)).join(""));
    const output = await gzip(input, 100_000, {});
    expect(gunzipSync(output).equals(input)).toBe(true);
    const { gzipSync } = await import("node:zlib");
    expect(output.length).toBeLessThan(gzipSync(input, { level: 5 }).length * 1.01);
  });

  it("is the same gzip stream on every run", async () => {
    const input = Buffer.concat([randomBytes(700_000), Buffer.from("text ".repeat(200_000))]);
    const first = await gzip(input, 65_536, { window: 2 });
    const again = await gzip(input, 10_000, { window: 7, reuse: true });
    expect(again.equals(first)).toBe(true);
    expect(first.subarray(0, 10)).toEqual(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]));
  });
});
