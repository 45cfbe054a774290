/**
 * What a registry says about chunks, kept for the run
 * (src/registry/chunk-limits.ts), and what its Range says it holds after
 * a chunk (heldAfterChunk in src/registry/chunk-steps.ts).
 */
import { describe, expect, it } from "vitest";
import type { HttpResponse } from "../../src/registry/http.ts";
import { heldAfterChunk } from "../../src/registry/chunk-steps.ts";
import { ChunkLimits, SMALL_CHUNK } from "../../src/registry/chunk-limits.ts";

const MiB = 2 ** 20;

describe("ChunkLimits", () => {
  it("keeps a chunk as planned until the registry says otherwise; the last one is what remains", () => {
    const limits = new ChunkLimits();
    expect(limits.length(8 * MiB, 100 * MiB)).toBe(8 * MiB);
    expect(limits.length(8 * MiB, 3 * MiB)).toBe(3 * MiB);
    expect(limits.whole).toBe(false);
  });

  it("OCI-Chunk-Min-Length raises every chunk but the last to it; a header that is not a number is ignored", () => {
    const limits = new ChunkLimits();
    limits.announce("not a number");
    expect(limits.length(8 * MiB, 100 * MiB)).toBe(8 * MiB);
    limits.announce(String(20 * MiB));
    expect(limits.length(8 * MiB, 100 * MiB)).toBe(20 * MiB);
    expect(limits.length(8 * MiB, 5 * MiB)).toBe(5 * MiB);
  });

  it("streams until one is refused (411 from a proxy that takes no chunked body, 413, or any refusal of chunks); then chunks for the run", () => {
    const limits = new ChunkLimits();
    expect(limits.streams).toBe(true);
    expect([411, 413, 416, 400, 405, 501].map((status) => limits.refusesStream(status))).toEqual(Array(6).fill(true));
    expect([401, 404, 500, 502].some((status) => limits.refusesStream(status))).toBe(false);
    expect(limits.streamRefused()).toBe("smaller");
    expect(limits.streams).toBe(false);
    expect(limits.whole).toBe(false);
    expect(limits.length(8 * MiB, 100 * MiB)).toBe(8 * MiB);
  });

  it("no streams once blobs go whole", () => {
    const limits = new ChunkLimits();
    limits.refusal(400, 8 * MiB, 0);
    expect(limits.streams).toBe(false);
  });

  it("416 or 413 (GHCR over 4 MiB): 4 MiB chunks once, then whole blobs for the rest of the run", () => {
    const limits = new ChunkLimits();
    expect(limits.refuses(416, 0)).toBe(true);
    expect(limits.refusal(416, 8 * MiB, 0)).toBe("smaller");
    expect(limits.length(8 * MiB, 100 * MiB)).toBe(SMALL_CHUNK);
    expect(limits.whole).toBe(false);
    expect(limits.refusal(413, SMALL_CHUNK, 0)).toBe("whole");
    expect(limits.whole).toBe(true);
  });

  it("a refused chunk already as small as the registry's minimum: whole at once", () => {
    const limits = new ChunkLimits();
    limits.announce(String(16 * MiB));
    expect(limits.refusal(416, 16 * MiB, 0)).toBe("whole");
  });

  it("400, 405 or 501 to an upload's first chunk (Artifact Registry): whole; later in an upload they are failures, not refusals", () => {
    const limits = new ChunkLimits();
    expect(limits.refuses(400, 8 * MiB)).toBe(false);
    expect(limits.refuses(500, 0)).toBe(false);
    expect(limits.refuses(405, 0)).toBe(true);
    expect(limits.refusal(405, 8 * MiB, 0)).toBe("whole");
    expect(limits.whole).toBe(true);
  });
});

describe("heldAfterChunk", () => {
  const answer = (range?: string): HttpResponse => ({ status: 202, headers: range ? { range } : {}, body: "" });
  const MB8 = 8 * MiB;

  it("distribution's Range: the chunk's end", () => {
    expect(heldAfterChunk(answer(`0-${2 * MB8 - 1}`), MB8, 2 * MB8, "p/x")).toBe(2 * MB8);
  });

  it("ECR's Range stuck at the first chunk's end (containers-roadmap#2831), or none: the chunk counts as taken", () => {
    expect(heldAfterChunk(answer(`0-${MB8 - 1}`), MB8, 2 * MB8, "p/x")).toBe(2 * MB8);
    expect(heldAfterChunk(answer(`0-${MB8 - 1}`), 2 * MB8, 3 * MB8, "p/x")).toBe(3 * MB8);
    expect(heldAfterChunk(answer(), MB8, 2 * MB8, "p/x")).toBe(2 * MB8);
  });

  it("a Range past the start but short of the end: the rest of the chunk goes again from there", () => {
    expect(heldAfterChunk(answer(`0-${MB8 + 99}`), MB8, 2 * MB8, "p/x")).toBe(MB8 + 100);
  });

  it("a Range past what was sent is an error that says so", () => {
    expect(() => heldAfterChunk(answer(`0-${3 * MB8}`), MB8, 2 * MB8, "p/x")).toThrow(/holds \d+ bytes .* ended at/);
  });
});
