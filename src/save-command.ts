/**
 * `push-images save`: checks, writes the archive, prints a summary.
 */
import { saveArchive, saveSummary } from "./archive/save.ts";
import type { SaveOptions } from "./archive/save-options.ts";
import { ContainerTool } from "./container-tool.ts";
import { EXIT, InterruptedError } from "./errors.ts";
import { whileInterruptible } from "./interrupts.ts";
import { createLogger } from "./logger.ts";
import { createShell } from "./shell.ts";

export async function runSave(options: SaveOptions): Promise<number> {
  const log = createLogger({ quiet: options.quiet, verbose: options.verbose });
  const shell = createShell({ dryRun: false, log });
  let interrupted: string | undefined;
  try {
    const result = await whileInterruptible(
      (signal) => {
        interrupted = signal;
        shell.stopAll();
      },
      () => saveArchive(options, new ContainerTool(options.containerTool, shell), log),
    );
    for (const line of saveSummary(result)) log.always(line);
    return EXIT.ok;
  } catch (error) {
    // The partial file is already gone; say so rather than show the killed tool's error.
    throw interrupted ? new InterruptedError(`${interrupted}; no archive was written`) : error;
  }
}
