/**
 * What a registry was asked, from its own access log: proof that a run
 * pushed nothing (no blob upload started, no manifest written) that does
 * not depend on what the tool says about itself.
 */
import { existsSync, readFileSync } from "node:fs";
import type { BedRegistry } from "./bed.ts";

export interface LoggedRequest {
  method: string;
  /** Request path with its query, e.g. `/v2/t1/apim-le-cache/blobs/uploads/`. */
  path: string;
  status: number;
}

/** distribution writes Apache combined log lines: `... "POST /v2/x/blobs/uploads/ HTTP/1.1" 202 ...`. */
const LINE = /"([A-Z]+) (\/v2\/\S*) HTTP\/[\d.]+" (\d{3}) /;

/** Every request the registry logged whose repository starts with `repoPath/`. */
export function requestsUnder(registry: BedRegistry, repoPath: string): LoggedRequest[] {
  if (!registry.logFile || !existsSync(registry.logFile)) throw new Error(`registry ${registry.host} has no log file`);
  return readFileSync(registry.logFile, "utf8")
    .split("\n")
    .flatMap((line) => {
      const m = LINE.exec(line);
      return m && m[2]?.startsWith(`/v2/${repoPath}/`) ? [{ method: m[1] ?? "", path: m[2], status: Number(m[3]) }] : [];
    });
}

/** The requests that write: blob upload starts (POST .../blobs/uploads/) and manifest PUTs. */
export function writes(requests: readonly LoggedRequest[]): LoggedRequest[] {
  return requests.filter(
    (r) =>
      (r.method === "POST" && /\/blobs\/uploads\/$/.test(r.path.split("?")[0] ?? "")) ||
      (r.method === "PUT" && r.path.includes("/manifests/")),
  );
}

/** Manifest PUTs: what makes an image at the registry. */
export function manifestPuts(requests: readonly LoggedRequest[]): LoggedRequest[] {
  return requests.filter((r) => r.method === "PUT" && r.path.includes("/manifests/"));
}

/** The digests of the blob uploads the registry completed (a PUT with `?digest=` it answered 201). */
export function blobsCompleted(requests: readonly LoggedRequest[]): string[] {
  return requests.flatMap((r) => {
    const digest = r.method === "PUT" && r.status === 201 ? /[?&]digest=([^&]+)/.exec(r.path)?.[1] : undefined;
    return digest ? [decodeURIComponent(digest)] : [];
  });
}
