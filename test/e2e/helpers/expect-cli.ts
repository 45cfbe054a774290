/** Assertions on how the CLI ended: exit code and the `Error [CODE]` line with its `Fix:` hint. */
import { expect } from "vitest";
import type { CliResult } from "./cli.ts";

/** Exit codes of PRODUCT.md. */
export const EXIT = { ok: 0, failed: 1, invalid: 2 } as const;

/** Shows the whole run when an assertion fails, so a failure explains itself. */
export function describeRun(r: CliResult): string {
  return `exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ""}\n--- stderr ---\n${r.stderr}\n--- stdout ---\n${r.stdout}`;
}

export function expectSuccess(r: CliResult): void {
  expect(r.code, describeRun(r)).toBe(EXIT.ok);
}

/**
 * The run failed with `exit` and printed `Error [code]: ...` (any code when
 * `code` is undefined) followed by a `Fix:` line. Returns the error's text
 * (message and hint) for further checks.
 */
export function expectError(r: CliResult, exit: number, code?: string): string {
  expect(r.code, describeRun(r)).toBe(exit);
  // Codes are upper-case words, so they need no escaping in the pattern.
  const at = r.stderr.search(new RegExp(`Error \\[${code ?? "[A-Z_]+"}\\]:`));
  expect(at, `expected "Error [${code ?? "CODE"}]:" on stderr\n${describeRun(r)}`).toBeGreaterThanOrEqual(0);
  const text = r.stderr.slice(at);
  expect(text, `expected a "Fix:" hint after the error\n${describeRun(r)}`).toMatch(/\n\s+Fix: \S/);
  return text;
}
