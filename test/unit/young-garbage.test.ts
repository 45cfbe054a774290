/**
 * The young-generation collections a layer's inflate asks for
 * (src/core/young-garbage.ts, src/bundle/layer-digest.ts): one per 4 MiB of
 * buffers zlib handed out, and none asked where there is no `gc`.
 */
import { createHash, randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { LayerDigester } from "../../src/bundle/layer-digest.ts";
import { droppedBuffers } from "../../src/core/young-garbage.ts";

const MiB = 2 ** 20;
const withGc = globalThis as { gc?: unknown };

async function inflate(plain: Buffer): Promise<string | undefined> {
  const digester = new LayerDigester("gzip");
  await digester.write(gzipSync(plain, { level: 1 }));
  const result = await digester.digest();
  return "digest" in result ? result.digest : undefined;
}

describe("LayerDigester's garbage", () => {
  afterEach(() => delete withGc.gc);

  it("asks for a minor collection every 4 MiB of inflated output, and still hashes every byte", async () => {
    const calls: unknown[] = [];
    withGc.gc = (options: unknown) => calls.push(options);
    const plain = randomBytes(17 * MiB);
    const digest = await inflate(plain);
    expect(digest).toBe(`sha256:${createHash("sha256").update(plain).digest("hex")}`);
    // 17 MiB: four whole 4 MiB runs, whatever the previous test left over.
    expect(calls.length).toBeGreaterThanOrEqual(4);
    expect(calls.length).toBeLessThanOrEqual(5);
    expect(calls.every((options) => JSON.stringify(options) === '{"type":"minor"}')).toBe(true);
  });

  it("asks for a whole collection once every 128 MiB, minor ones in between", () => {
    const calls: string[] = [];
    withGc.gc = (options: { type: string }) => calls.push(options.type);
    for (let i = 0; i < 2 * 32 + 1; i++) droppedBuffers(4 * MiB);
    // 260 MiB: whatever the earlier tests left counted, exactly two whole collections.
    expect(calls.filter((type) => type === "major")).toHaveLength(2);
    expect(calls.length - 2).toBeGreaterThanOrEqual(62);
  });

  it("does nothing without an exposed gc (plain Node.js, Deno)", async () => {
    const plain = randomBytes(5 * MiB);
    expect(await inflate(plain)).toBe(`sha256:${createHash("sha256").update(plain).digest("hex")}`);
  });
});
