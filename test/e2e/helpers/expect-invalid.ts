/**
 * Invalid input must stop the run before anything is touched (exit 2).
 * Proof, in three parts: the error line; podman and docker were never
 * run (stand-ins on PATH record every call, then run the real tool, so a
 * CLI that skips validation would really push); and, when the test's
 * unique name is given, no registry or local storage holds it.
 */
import { expect } from "vitest";
import { runCli, type CliResult } from "./cli.ts";
import { EXIT, expectError } from "./expect-cli.ts";
import { expectNoTrace } from "./expect-registry.ts";
import { toolSpy } from "./tool-spy.ts";

export interface InvalidRun {
  result: CliResult;
  /** The error's text from `Error [CODE]:` on. */
  error: string;
}

export async function expectInvalid(
  args: readonly string[],
  /** The expected error code; undefined accepts any code (exit 2 is still required). */
  code: string | undefined,
  token?: string,
  env: Record<string, string | undefined> = {},
): Promise<InvalidRun> {
  const spy = toolSpy(["podman", "docker"]);
  const result = await runCli(args, { env: { ...env, PATH: spy.path } });
  const error = expectError(result, EXIT.invalid, code);
  expect(spy.calls("podman"), "podman was run for invalid input").toEqual([]);
  expect(spy.calls("docker"), "docker was run for invalid input").toEqual([]);
  if (token) await expectNoTrace(token);
  return { result, error };
}

/** The message quotes `value`, as typed or JSON-escaped (a tab shown as \t). */
export function expectNamesValue(error: string, value: string): void {
  const escaped = JSON.stringify(value).slice(1, -1);
  expect(
    error.includes(value) || error.includes(escaped),
    `the message names the value ${JSON.stringify(value)}:\n${error}`,
  ).toBe(true);
}
