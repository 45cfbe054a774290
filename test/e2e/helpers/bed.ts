/** The running test bed, as the e2e tests see it, and names unique to one test. */
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import type { Bed } from "../../bed/types.ts";
import "../../bed/types.ts";

export type { Bed, BedOperator, BedRegistry } from "../../bed/types.ts";

export function useBed(): Bed {
  return inject("bed");
}

/**
 * A repository path component no other test uses (`t` + hex, valid in the
 * OCI grammar): tests run in parallel against the same registries, and
 * each looks only at its own path.
 */
export function uniqueName(prefix = "t"): string {
  return `${prefix}${randomBytes(5).toString("hex")}`;
}
