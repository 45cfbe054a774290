/**
 * Human output. It all goes to stderr so stdout stays free for --json;
 * --quiet keeps errors and the summary, --verbose adds each command.
 * On a terminal, messages are broken at spaces to fit its width rather
 * than wrapped by it mid-word; commands (`$ ...`, `would run: ...`) and
 * --verbose output are left whole, so they still paste as one line.
 */
import { wrapWords } from "./fit-line.ts";

export interface Logger {
  /** Progress and per-image lines; hidden by --quiet. */
  info(message: string): void;
  /** Something the user should know but that does not stop the run. */
  warn(message: string): void;
  /** Commands and raw tool output; only with --verbose. */
  verbose(message: string): void;
  /** Errors and the summary; always shown. */
  always(message: string): void;
}

export interface LoggerOptions {
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly write?: (text: string) => void;
  /** The terminal's width, read at each message (it may be resized); undefined: lines are written whole (pipes, --json). */
  readonly columns?: () => number;
}

/** A shown command: broken across lines it would no longer paste. */
const COMMAND_LINE = /^\s*(\$ |would run: )/;

export function createLogger({ quiet, verbose, write = (text) => process.stderr.write(text), columns }: LoggerOptions): Logger {
  const raw = (message: string) => write(`${message}\n`);
  const line = (message: string) => {
    if (!columns || COMMAND_LINE.test(message)) return raw(message);
    const width = columns();
    raw(
      message
        .split("\n")
        .flatMap((part) => (COMMAND_LINE.test(part) ? [part] : wrapWords(part, width)))
        .join("\n"),
    );
  };
  return {
    info: (message) => (quiet ? undefined : line(message)),
    warn: (message) => line(`Warning: ${message}`),
    verbose: (message) => (verbose ? raw(message) : undefined),
    always: line,
  };
}
