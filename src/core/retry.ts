/**
 * Retries of transient failures: exponential backoff with jitter, a
 * registry's Retry-After when the output carries one, and a sleep that an
 * interrupt cuts short.
 */
import { setTimeout as sleep } from "node:timers/promises";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ retries: 3, baseMs: 1000, maxMs: 30_000 });

/** Delay before retry number `retry` (1-based): base * 2^(retry-1), jittered to 50-100 %. */
export function backoffMs(retry: number, policy: RetryPolicy, random = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** Seconds from a `Retry-After: N` found in a tool's output, if any. */
export function retryAfterMs(output: string, policy: RetryPolicy): number | undefined {
  const seconds = /retry-after:?\s*(\d+)/i.exec(output)?.[1];
  return seconds === undefined ? undefined : Math.min(policy.maxMs, Number(seconds) * 1000);
}

/** Waits, unless the signal fires first. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
