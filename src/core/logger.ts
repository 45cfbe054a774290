/**
 * Human output. It all goes to stderr so stdout stays free for --json;
 * --quiet keeps errors and the summary, --verbose adds each command.
 */
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
}

export function createLogger({ quiet, verbose, write = (text) => process.stderr.write(text) }: LoggerOptions): Logger {
  const line = (message: string) => write(`${message}\n`);
  return {
    info: (message) => (quiet ? undefined : line(message)),
    warn: (message) => line(`Warning: ${message}`),
    verbose: (message) => (verbose ? line(message) : undefined),
    always: line,
  };
}
