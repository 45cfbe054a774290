/**
 * A failed command, reported one way wherever it happens (podman, docker,
 * aws, a credential helper): the command as it could be pasted, secrets
 * masked; its exit code and what that code means; the last lines it wrote
 * to stderr. The coded error around it says what to do; this is its detail.
 * Apart from the shell module so that reporting a failure does not load zx.
 */
import { constants } from "node:os";
import { maskSecrets, showCommand } from "./command-text.ts";

/** What a failed command's report needs; a CommandResult and the words it ran. */
export interface FailedCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly exitCode: number;
  readonly stderr: string;
}

/** Enough stderr to show the error and its cause; podman's and docker's own errors are one line. */
const STDERR_TAIL_LINES = 5;

/**
 * The exit codes a shell gives a meaning to (signals: 128 + the signal's
 * number). Not podman's 125 ("an error in podman itself"): every failed
 * push ends with it, so it says nothing more than "failed".
 */
const EXIT_MEANINGS: Readonly<Record<number, string>> = {
  126: "found, but not executable",
  127: "command not found",
};

/** What an exit code means, when it means more than "failed". */
export function exitMeaning(exitCode: number): string | undefined {
  const known = EXIT_MEANINGS[exitCode];
  if (known !== undefined) return known;
  const signal = exitCode > 128 ? signalName(exitCode - 128) : undefined;
  return signal === undefined ? undefined : `stopped by ${signal}`;
}

/** `exit code 127 (command not found)`. */
export function exitStatus(exitCode: number): string {
  const meaning = exitMeaning(exitCode);
  return `exit code ${exitCode}${meaning === undefined ? "" : ` (${meaning})`}`;
}

/** The last non-blank lines of `text`, at most `count`. */
export function lastLines(text: string, count = STDERR_TAIL_LINES): string[] {
  return text
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "")
    .slice(-count);
}

/** The line that says why: the last one printed, without the tools' `Error: ` prefix. */
export function lastLine(text: string): string | undefined {
  return lastLines(text, 1)[0]
    ?.trim()
    .replace(/^Error:\s*/i, "");
}

/** Why the command failed, in one line for an error's message: its last line of stderr, or its exit status. */
export function failureReason(failed: FailedCommand): string {
  return lastLine(failed.stderr) ?? exitStatus(failed.exitCode);
}

/**
 * The detail of a coded error about a failed command, as `-v` shows it:
 *
 *     $ podman push --creds 'robot$apim+ci:****' ...
 *     exit code 125
 *     Error: ... (the last lines of stderr, secrets masked)
 */
export function failureDetail(failed: FailedCommand): string {
  const stderr = lastLines(maskSecrets(failed.stderr));
  return [`$ ${showCommand(failed.command, failed.args)}`, exitStatus(failed.exitCode), ...stderr].join("\n");
}

function signalName(signalNumber: number): string | undefined {
  return Object.entries(constants.signals).find(([, number]) => number === signalNumber)?.[0];
}
