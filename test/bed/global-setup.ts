/**
 * vitest globalSetup of the e2e project: starts the bed once for all e2e
 * files, hands it to them with provide('bed'), and tears it down after.
 * A bed that cannot start fails the run; the e2e tests are never skipped.
 */
import type { TestProject } from "vitest/node";
import { startBed } from "./start-bed.ts";
import "./types.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { bed, stop } = await startBed();
  process.stderr.write(`test bed started in ${bed.startSeconds}s (${bed.root})\n`);
  project.provide("bed", bed);
  return stop;
}
