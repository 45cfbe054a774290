/**
 * The chunk plan (src/registry/chunk-plan.ts): which blobs go in chunks,
 * how long each chunk is, and what a registry's Range header says it holds.
 */
import { describe, expect, it } from "vitest";
import { REGISTRY_TYPES } from "../../src/options/registry-type.ts";
import {
  CHUNK_SECONDS,
  CHUNKED_ABOVE,
  FINISH_WAIT_MS,
  FIRST_CHUNK,
  MAX_CHUNK,
  MIN_CHUNK,
  nextChunkLength,
  offsetFromRange,
  uploadsInChunks,
} from "../../src/registry/chunk-plan.ts";

const MiB = 2 ** 20;
const MB = 1e6;

describe("uploadsInChunks", () => {
  it("chunks only blobs above the threshold; the bench's ~12 MB layers and a 60 MB base keep one PUT", () => {
    const generic = (size: number) => uploadsInChunks({ size, uploadAsStored: true }, "generic");
    expect(generic(12 * MB)).toBe(false);
    expect(generic(60 * MB)).toBe(false);
    expect(generic(CHUNKED_ABOVE)).toBe(false);
    expect(generic(CHUNKED_ABOVE + 1)).toBe(true);
    expect(generic(200 * MB)).toBe(true);
  });

  it("a docker-archive layer gzipped on the way is never chunked: it could not continue", () => {
    expect(uploadsInChunks({ size: 200 * MB, uploadAsStored: false }, "generic")).toBe(false);
  });

  it("Artifact Registry, GCR and ECR keep whole-blob uploads; the others chunk", () => {
    const chunked = REGISTRY_TYPES.filter((type) => uploadsInChunks({ size: 200 * MB, uploadAsStored: true }, type));
    expect(chunked).toEqual(["generic", "harbor", "dockerhub", "quay"]);
  });
});

describe("nextChunkLength", () => {
  it("starts with FIRST_CHUNK before the link's rate is known", () => {
    expect(nextChunkLength(200 * MB)).toBe(FIRST_CHUNK);
  });

  it("then carries CHUNK_SECONDS of the last chunk's rate, in whole MiB", () => {
    expect(nextChunkLength(200 * MB, 2 * MiB)).toBe(2 * MiB * CHUNK_SECONDS);
    expect(nextChunkLength(200 * MB, 2.5 * MB) % MiB).toBe(0);
  });

  it("stays within MIN_CHUNK and MAX_CHUNK", () => {
    expect(nextChunkLength(200 * MB, 10_000)).toBe(MIN_CHUNK);
    expect(nextChunkLength(200 * MB, 1e9)).toBe(MAX_CHUNK);
  });

  it("the last chunk is what is left", () => {
    expect(nextChunkLength(123, 1e9)).toBe(123);
    expect(nextChunkLength(FIRST_CHUNK - 1)).toBe(FIRST_CHUNK - 1);
  });

  it("a chunk sized to a link's rate finishes within the wait after Ctrl-C, even at a quarter of that rate", () => {
    for (const rate of [MIN_CHUNK / CHUNK_SECONDS, 3 * MB, 25 * MB, 110 * MB]) {
      const seconds = nextChunkLength(1e12, rate) / (rate / 4);
      expect(seconds, `at ${rate} B/s`).toBeLessThanOrEqual(FINISH_WAIT_MS / 1000);
    }
    // The first, sized blind: within the wait down to 0.4 MB/s.
    expect(FIRST_CHUNK / (0.42 * MB)).toBeLessThanOrEqual(FINISH_WAIT_MS / 1000);
  });

  it("plans a 200 MB layer as a few chunks that cover it exactly", () => {
    let offset = 0;
    const lengths: number[] = [];
    while (offset < 200 * MB) {
      const length = nextChunkLength(200 * MB - offset, lengths.length === 0 ? undefined : 25 * MB);
      lengths.push(length);
      offset += length;
    }
    expect(offset).toBe(200 * MB);
    expect(lengths.slice(0, 2)).toEqual([FIRST_CHUNK, MAX_CHUNK]);
    expect(lengths.length).toBe(4);
  });
});

describe("offsetFromRange", () => {
  it("reads distribution's Range: 0-<last byte>", () => {
    expect(offsetFromRange("0-8388607")).toBe(8 * MiB);
    expect(offsetFromRange("bytes=0-99")).toBe(100);
  });

  it("0-0 is an empty upload", () => {
    expect(offsetFromRange("0-0")).toBe(0);
  });

  it("anything else is no answer", () => {
    expect(offsetFromRange(undefined)).toBeUndefined();
    expect(offsetFromRange("5-99")).toBeUndefined();
    expect(offsetFromRange("bytes */100")).toBeUndefined();
    expect(offsetFromRange(["0-1", "0-2"])).toBeUndefined();
  });
});
