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

/** The wait a `Retry-After: N` found in a tool's output asks for, in ms, if any. */
export function retryAfterInOutput(output: string): number | undefined {
  const seconds = /retry-after:?\s*(\d+)/i.exec(output)?.[1];
  return seconds === undefined ? undefined : Number(seconds) * 1000;
}

/**
 * The wait a `Retry-After` header asks for (RFC 9110: delta-seconds or an
 * HTTP-date), in ms; undefined when there is none or it cannot be read.
 */
export function retryAfterHeaderMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before retry number `retry`: what the registry asked for
 * (Retry-After, bounded by the policy's longest wait, 30 s by default),
 * else the backoff; and the words the progress line adds for it.
 */
export function retryWait(retry: number, policy: RetryPolicy, askedMs?: number): { delayMs: number; said: string } {
  if (askedMs === undefined) return { delayMs: backoffMs(retry, policy), said: "" };
  const delayMs = Math.min(policy.maxMs, askedMs);
  const bound = askedMs > policy.maxMs ? `, waiting at most ${policy.maxMs / 1000}s` : "";
  return { delayMs, said: ` (the registry asked to wait ${Math.round(askedMs / 1000)}s: Retry-After${bound})` };
}

/** Waits, unless the signal fires first. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
