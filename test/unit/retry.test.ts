/**
 * src/core/retry.ts: exponential backoff with jitter (fixed here through the
 * `random` argument), a registry's Retry-After read from a tool's output
 * or from its header, capped by the policy, and a wait an interrupt cuts short.
 */
import { describe, expect, it } from "vitest";
import {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  pause,
  retryAfterHeaderMs,
  retryAfterInOutput,
  retryWait,
} from "../../src/core/retry.ts";

const POLICY = { retries: 3, baseMs: 1000, maxMs: 30_000 };

describe("backoffMs", () => {
  it.each([
    [1, 500, 1000],
    [2, 1000, 2000],
    [3, 2000, 4000],
    [4, 4000, 8000],
    [5, 8000, 16_000],
  ])("retry %i waits between %i and %i ms", (retry, low, high) => {
    expect(backoffMs(retry, POLICY, () => 0)).toBe(low);
    expect(backoffMs(retry, POLICY, () => 0.999_999)).toBe(high);
    expect(backoffMs(retry, POLICY, () => 0.5)).toBe((low + high) / 2);
  });

  it("never waits more than maxMs, however many retries", () => {
    expect(backoffMs(6, POLICY, () => 0.999_999)).toBe(30_000);
    expect(backoffMs(40, POLICY, () => 0.999_999)).toBe(30_000);
    expect(backoffMs(40, POLICY, () => 0)).toBe(15_000);
  });

  it("uses Math.random by default, within the bounds", () => {
    for (let i = 0; i < 50; i++) {
      const delay = backoffMs(2, POLICY);
      expect(delay).toBeGreaterThanOrEqual(1000);
      expect(delay).toBeLessThanOrEqual(2000);
    }
  });

  it("the default policy: 3 retries from 1 s, at most 30 s", () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ retries: 3, baseMs: 1000, maxMs: 30_000 });
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY)).toBe(true);
  });
});

describe("retryAfterInOutput", () => {
  it.each([
    ["Error: received unexpected HTTP status: 429 Too Many Requests\nRetry-After: 7", 7000],
    ["toomanyrequests: rate limit; retry-after 3", 3000],
    ["RETRY-AFTER:12", 12_000],
    ["Retry-After: 0", 0],
  ])("%j: %i ms", (output, ms) => {
    expect(retryAfterInOutput(output)).toBe(ms);
  });

  it.each(["503 Service Unavailable", "retry after a while", "Retry-After: soon", ""])("%j: none", (output) => {
    expect(retryAfterInOutput(output)).toBeUndefined();
  });
});

describe("retryAfterHeaderMs", () => {
  const now = Date.parse("Mon, 07 Dec 2026 00:00:00 GMT");
  it.each([
    ["2", 2000],
    [" 120 ", 120_000],
    ["Mon, 07 Dec 2026 00:00:05 GMT", 5000],
    ["Sun, 06 Dec 2026 23:00:00 GMT", 0],
  ])("%j: %i ms", (value, ms) => {
    expect(retryAfterHeaderMs(value, now)).toBe(ms);
  });

  it.each([undefined, "", "soon", ["2", "3"]])("%j: none", (value) => {
    expect(retryAfterHeaderMs(value, now)).toBeUndefined();
  });
});

describe("retryWait", () => {
  it("waits what the registry asked for, and says so", () => {
    expect(retryWait(1, POLICY, 2000)).toEqual({ delayMs: 2000, said: " (the registry asked to wait 2s: Retry-After)" });
  });

  it("is capped by maxMs, and says so", () => {
    expect(retryWait(1, POLICY, 3_600_000)).toEqual({
      delayMs: 30_000,
      said: " (the registry asked to wait 3600s: Retry-After, waiting at most 30s)",
    });
    expect(retryWait(1, { ...POLICY, maxMs: 40 }, 3_600_000).delayMs).toBe(40);
  });

  it("without Retry-After: the backoff, and no words", () => {
    const { delayMs, said } = retryWait(2, POLICY);
    expect([delayMs >= 1000 && delayMs <= 2000, said]).toEqual([true, ""]);
  });
});

describe("pause", () => {
  it("waits the time given", async () => {
    const started = performance.now();
    await pause(30, new AbortController().signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it("returns as soon as the signal fires, without throwing", async () => {
    const stop = new AbortController();
    const started = performance.now();
    setTimeout(() => stop.abort(), 20);
    await pause(60_000, stop.signal);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("returns at once when the signal has already fired", async () => {
    const stop = new AbortController();
    stop.abort();
    const started = performance.now();
    await pause(60_000, stop.signal);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
