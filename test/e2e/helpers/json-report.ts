/**
 * The --json report of PRODUCT.md, read from stdout whatever the exit code
 * (a failed or interrupted run prints one too), and checked against what
 * the registry serves.
 */
import { expect } from "vitest";
import type { BedRegistry } from "./bed.ts";
import type { CliResult } from "./cli.ts";
import { describeRun } from "./expect-cli.ts";
import { RegistryClient } from "./registry-client.ts";

export interface ImageReport {
  image: string;
  source: string;
  target: string;
  status: "pushed" | "up-to-date" | "failed" | "planned" | "not-started";
  digest: string | null;
  error: { code: string; message: string; hint: string } | null;
  /** Push attempts made (0 when already up to date). */
  attempts: number;
}

/** The report's images, sorted by image name. */
export function jsonImages(r: CliResult): ImageReport[] {
  let parsed: { images?: ImageReport[] };
  try {
    parsed = JSON.parse(r.stdout) as { images?: ImageReport[] };
  } catch {
    throw new Error(`stdout is not one JSON document\n${describeRun(r)}`);
  }
  expect(Array.isArray(parsed.images), describeRun(r)).toBe(true);
  return [...(parsed.images ?? [])].sort((a, b) => a.image.localeCompare(b.image));
}

/** image -> status, for compact assertions. */
export function statuses(images: readonly ImageReport[]): Record<string, string> {
  return Object.fromEntries(images.map((i) => [i.image, i.status]));
}

/**
 * Each entry's digest is what the registry serves for its target's tag
 * (Docker-Content-Digest), read under `repoPath` of `registry`.
 */
export async function expectDigestsServed(
  registry: BedRegistry,
  repoPath: string,
  tag: string,
  images: readonly ImageReport[],
): Promise<void> {
  const client = new RegistryClient(registry);
  for (const entry of images) {
    const manifest = await client.manifest(`${repoPath}/${entry.image}`, tag);
    expect(manifest, `${repoPath}/${entry.image}:${tag} is in the registry`).toBeDefined();
    expect(entry.digest, `digest reported for ${entry.image}`).toBe(manifest?.digest);
  }
}

/**
 * An interrupted run's report: every planned image listed, `stopped` of them
 * `failed` with INTERRUPTED and `notStarted` of them `not-started`, and the
 * summary counting both.
 */
export function expectInterruptedReport(r: CliResult, stopped: number, notStarted: number): void {
  const images = jsonImages(r);
  const failed = images.filter((entry) => entry.status === "failed");
  expect(
    failed.map((entry) => entry.error?.code),
    describeRun(r),
  ).toEqual(Array(stopped).fill("INTERRUPTED"));
  expect(
    images.filter((entry) => entry.status === "not-started"),
    describeRun(r),
  ).toHaveLength(notStarted);
  expect(images, describeRun(r)).toHaveLength(stopped + notStarted);
  const { summary } = JSON.parse(r.stdout) as { summary: Record<string, number> };
  expect(summary, describeRun(r)).toMatchObject({ failed: stopped, "not-started": notStarted });
}
