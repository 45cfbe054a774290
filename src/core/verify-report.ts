/** How `push-images verify` shows what it found: a line per image, a summary, and its --json document. */
import type { VerifyResult, VerifyStatus } from "./verify-image.ts";
import { pinnedReference } from "./report.ts";

const STATUS_WIDTH = 10;

export function verifyLine(result: VerifyResult, index: number, total: number): string {
  const { job, status, digest, problems } = result;
  const what = status === "whole" && digest ? pinnedReference(job.target, digest) : job.target;
  const detail = problems.length > 0 ? `: ${problems.join("; ")}` : "";
  return `[${index}/${total}] ${status.padEnd(STATUS_WIDTH)} ${what}${detail}`;
}

function counts(results: readonly VerifyResult[]): Record<VerifyStatus, number> {
  const tally = { whole: 0, missing: 0, incomplete: 0, different: 0, unreadable: 0 };
  for (const { status } of results) tally[status] += 1;
  return tally;
}

export function verifySummary(results: readonly VerifyResult[], seconds: number): string[] {
  const parts = Object.entries(counts(results))
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`);
  const lines = [`Verify: ${parts.join(", ") || "nothing to verify"} in ${seconds.toFixed(1)}s`];
  for (const { job, problems, fix } of results) {
    if (fix) lines.push(`  ${job.image}: ${job.target}: ${problems.join("; ")}\n    Fix: ${fix}`);
  }
  return lines;
}

export function verifyJson(results: readonly VerifyResult[], seconds: number, pullRequiresLogin: boolean | null): string {
  const images = results.map(({ job, status, digest, problems, fix }) => ({
    image: job.image,
    source: job.source,
    target: job.target,
    status,
    digest: digest ?? null,
    pinned: digest ? pinnedReference(job.target, digest) : null,
    problems,
    fix: fix ?? null,
  }));
  return JSON.stringify({ images, summary: counts(results), seconds: Number(seconds.toFixed(3)), pullRequiresLogin }, null, 2);
}
