/**
 * How results are shown: one line per image as it finishes, a summary at
 * the end, and the --json document of PRODUCT.md.
 */
import { InterruptedError, PushImagesError, type PlannedImage } from "./errors.ts";
import type { JobResult, Report } from "./hooks.ts";

const STATUS_WIDTH = 10;

export function resultLine(result: JobResult, index: number, total: number): string {
  const { job, status, digest, error, seconds } = result;
  const counter = `[${index}/${total}]`;
  const what = `${job.source} -> ${job.target}`;
  if (status === "failed") return `${counter} ${status.padEnd(STATUS_WIDTH)} ${what}: ${error?.message ?? "unknown error"}`;
  const detail = [digest ? shortDigest(digest) : undefined, status === "planned" ? undefined : `${seconds.toFixed(1)}s`]
    .filter(Boolean)
    .join(", ");
  return `${counter} ${status.padEnd(STATUS_WIDTH)} ${what}${detail ? `  (${detail})` : ""}`;
}

/** An image's status in the --json report: a result's, or `not-started` for a planned image an interrupt kept from starting. */
type ReportedStatus = JobResult["status"] | "not-started";

function countByStatus(report: Report): Record<ReportedStatus, number> {
  const counts = { pushed: 0, "up-to-date": 0, failed: 0, planned: 0, "not-started": report.notStarted.length };
  for (const result of report.results) counts[result.status] += 1;
  return counts;
}

export function summaryLines(report: Report): string[] {
  const counts = countByStatus(report);
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status === "not-started" ? "not started" : status}`);
  const stopped = report.interruptedBy ? ` (stopped by ${report.interruptedBy})` : "";
  const lines = [
    `${report.dryRun ? "Dry run: " : ""}${parts.join(", ") || "nothing to do"} in ${report.seconds.toFixed(1)}s${stopped}`,
  ];
  for (const { job, error } of report.results) {
    if (error) lines.push(`  ${job.image}: Error [${error.code}]: ${error.message}\n    Fix: ${error.hint}`);
  }
  if (report.interruptedBy) {
    const pushed = counts.pushed + counts["up-to-date"];
    lines.push(
      `Stopped: interrupted by ${report.interruptedBy} during ${report.interruptedDuring ?? "the run"}; ` +
        `${pushed} of ${report.planned} at the target: run the same command again to push the rest`,
    );
  }
  return lines;
}

/** `host/path/image:tag@sha256:...`: the image as Kubernetes and Helm pull it, whatever the tag comes to name later. */
export function pinnedReference(target: string, digest: string): string {
  return `${target}@${digest}`;
}

/** The pinned references of the images at the target (pushed or up to date), in the plan's order. */
export function pinnedReferences(report: Report): string[] {
  return report.results.flatMap(({ job, status, digest }) =>
    (status === "pushed" || status === "up-to-date") && digest ? [pinnedReference(job.target, digest)] : [],
  );
}

/** `pullRequiresLogin`: whether the registry refused an anonymous pull of a pushed image; null when not asked. */
export function reportJson(report: Report, pullRequiresLogin: boolean | null = null): string {
  const images = report.results.map(({ job, status, digest, error, seconds, attempts }) => ({
    ...imageNames(job),
    // A multi-platform image's platforms; single-platform images have none.
    ...(job.platforms ? { platforms: job.platforms } : {}),
    status: status as ReportedStatus,
    digest: digest ?? null,
    pinned: digest && status !== "failed" ? pinnedReference(job.target, digest) : null,
    error: error ? { code: error.code, message: error.message, hint: error.hint } : null,
    seconds: Number(seconds.toFixed(3)),
    attempts,
  }));
  // Every planned image is listed, so a script sees what is left to push after an interrupt.
  images.push(...report.notStarted.map(notStartedEntry));
  const interrupted = report.interruptedBy ? { signal: report.interruptedBy, during: report.interruptedDuring ?? null } : null;
  return JSON.stringify(
    {
      images,
      summary: countByStatus(report),
      seconds: Number(report.seconds.toFixed(3)),
      dryRun: report.dryRun,
      interrupted,
      pullRequiresLogin,
    },
    null,
    2,
  );
}

/** The --json document of a run that stopped before its report: no images, the error, and the interrupt if one stopped it. */
export function errorJson(error: unknown): string {
  const interrupted = error instanceof InterruptedError ? { signal: error.signal, during: error.during } : null;
  const coded =
    error instanceof PushImagesError
      ? { code: error.code, message: error.message, hint: error.hint }
      : error instanceof InterruptedError
        ? { code: "INTERRUPTED", message: error.message, hint: "run the same command again" }
        : { code: "INTERNAL", message: String(error), hint: "" };
  // Stopped after the plan was made (an interrupt during preflight): every planned image, none started.
  const images = error instanceof InterruptedError ? error.notStarted.map(notStartedEntry) : [];
  return JSON.stringify({ images, error: coded, interrupted }, null, 2);
}

function imageNames({ image, source, target }: PlannedImage): PlannedImage {
  return { image, source, target };
}

function notStartedEntry(job: PlannedImage) {
  const status = "not-started" as ReportedStatus;
  return { ...imageNames(job), status, digest: null, pinned: null, error: null, seconds: 0, attempts: 0 };
}

function shortDigest(digest: string): string {
  return digest.slice(0, "sha256:".length + 12);
}
