/**
 * `push-images save`: checks, writes the archive, prints a summary. The
 * container tool gets a temporary directory of the run's own, removed at
 * the end, interrupted or not.
 */
import { saveArchive, saveSummary } from "../bundle/save.ts";
import type { SaveOptions } from "../bundle/save-options.ts";
import { dirname } from "node:path";
import { ContainerTool } from "../engine/container-tool.ts";
import { diskFull } from "../engine/diagnose.ts";
import { EXIT, InterruptedError } from "../core/errors.ts";
import type { Interrupts } from "../core/interrupts.ts";
import { createLogger } from "../core/logger.ts";
import { createRunTempDir } from "../core/run-temp-dir.ts";
import { createShell } from "../engine/shell.ts";
import { fittingColumns } from "./terminal-size.ts";

/** Stages of a save that write beside -o (the layers go into the bundle as the tool's archive streams by). */
const WRITES_BESIDE_OUTPUT = new Set(["saving", "writing", "the bundle check", "renaming"]);

export async function runSave(options: SaveOptions, interrupts: Interrupts): Promise<number> {
  // Its lines fit a terminal's width; -q and pipes keep whole lines for scripts.
  const columns = options.quiet ? undefined : fittingColumns();
  const log = createLogger({ quiet: options.quiet, verbose: options.verbose, ...(columns ? { columns } : {}) });
  const tempDir = createRunTempDir(process.env);
  const shell = createShell({ dryRun: false, log, tempDir: tempDir.forTool });
  const stopListening = interrupts.onInterrupt(() => shell.stopAll());
  let stage = "the checks";
  try {
    const result = await saveArchive(options, new ContainerTool(options.containerTool, shell), log, {
      signal: interrupts.signal,
      stage: (now) => (stage = now),
    });
    for (const line of saveSummary(result, columns?.())) log.always(line);
    return EXIT.ok;
  } catch (error) {
    // The partial file is already gone; say so rather than show the killed tool's error.
    if (interrupts.by) throw new InterruptedError(interrupts.by, stage, "no archive was written");
    // Our own writes: the bundle beside -o; the tool's temporary files (if any) go to the run's directory.
    if ((error as NodeJS.ErrnoException).code === "ENOSPC")
      throw diskFull(WRITES_BESIDE_OUTPUT.has(stage) ? dirname(options.output) : tempDir.path, String(error));
    throw error;
  } finally {
    stopListening();
    tempDir.remove();
  }
}
