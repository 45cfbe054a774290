/**
 * Quoting, judged by a real bash: for arbitrary words (shell
 * metacharacters, quotes, white space, control characters, any Unicode;
 * not NUL, which no argument can hold), what bash reads back is exactly
 * the words given, through
 * - formatCommand (the commands --dry-run and -v print for pasting), and
 * - src/engine/shell.ts itself, which hands each argument to bash through zx.
 * Few runs: each starts a bash. A generous timeout: 150 bash starts take
 * longer than vitest's 5 s default on a busy shared machine.
 */
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../src/core/logger.ts";
import { createShell, formatCommand } from "../../../src/engine/shell.ts";

const TRICKY = [
  ..."'\"`$\\!*?[]{}()<>|&;#~=%^ \t\n\r",
  "\x01",
  "\x1b",
  "\x7f",
  "$(",
  "${",
  "'\\''",
  "\u00e9",
  "\u2028",
  "\u{1f600}",
];
const word = fc.oneof(
  fc.string({ unit: fc.constantFrom(...TRICKY, "a", "-", "/"), maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 8 }),
);

/** The words bash's printf gets, one per NUL-terminated field. */
function fields(output: string): string[] {
  return output.split("\0").slice(0, -1);
}

describe("formatCommand", () => {
  it("prints commands that bash reads back as the same words", () => {
    fc.assert(
      fc.property(word, fc.array(word, { maxLength: 6 }), (command, args) => {
        const script = `printf '%s\\0' ${formatCommand(command, args)}`;
        const output = execFileSync("bash", ["-c", script], { encoding: "utf8" });
        expect(fields(output)).toEqual([command, ...args]);
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});

describe("the shell module", () => {
  it("hands every argument to the command as one word, as given", async () => {
    const shell = createShell({ dryRun: false, log: createLogger({ quiet: true, verbose: false, write: () => undefined }) });
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 6 }), async (args) => {
        // A first word, because printf with no argument after the format still prints one empty field.
        const result = await shell.run("printf", ["%s\\0", "first", ...args]);
        expect(result.exitCode, result.stderr).toBe(0);
        expect(fields(result.stdout)).toEqual(["first", ...args]);
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});
