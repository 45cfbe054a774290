/**
 * A push: options become a runner with its plugins (src/options/apply-options.ts),
 * the runner runs, the report is printed. The run has its own temporary
 * directory, removed at the end whatever happened.
 */
import { applyPlugins } from "../options/apply-options.ts";
import { EXIT, InterruptedError } from "../core/errors.ts";
import type { Interrupts } from "../core/interrupts.ts";
import { createLogger } from "../core/logger.ts";
import type { Options } from "../options/options.ts";
import { pinnedReferences, reportJson, summaryLines } from "../core/report.ts";
import { checkPullAccess, writeDigestFile } from "./after-push.ts";
import { createRunTempDir } from "../core/run-temp-dir.ts";
import { Runner } from "../core/runner.ts";
import { createShell } from "../engine/shell.ts";
import { drawsOn, fittingColumns } from "./terminal-size.ts";

export async function runPush(
  options: Options,
  programDir: string,
  interrupts: Interrupts,
  defaultsFile?: string,
): Promise<number> {
  // TERM=dumb: a terminal that does not move the cursor gets the plain lines.
  const terminal = drawsOn();
  // The summary fits a terminal's width; -q, --json and pipes keep whole lines for scripts.
  const columns = options.quiet || options.json ? undefined : fittingColumns();
  const log = createLogger({ quiet: options.quiet, verbose: options.verbose, ...(columns ? { columns } : {}) });
  if (defaultsFile) log.verbose(`product defaults from ${defaultsFile}`);
  const tempDir = createRunTempDir(process.env);
  const shell = createShell({ dryRun: options.dryRun, log, tempDir: tempDir.forTool });
  // The runner's own files (podman's --cert-dir, digest files) go in the run's directory whatever TMPDIR podman keeps.
  const runner = new Runner({ options, log, env: process.env, shell, tempDir: tempDir.path });
  const stopListening = interrupts.onInterrupt((signal) => runner.interrupt(signal));
  const stopListeningAgain = interrupts.onRepeat(() => runner.interruptAgain());
  try {
    await applyPlugins(runner, { programDir, terminal, signal: interrupts.signal });

    const report = await runner.run();
    const pinned = pinnedReferences(report);
    // Also after a partial failure or an interrupt: the images that made it are at the target.
    if (options.digestFile && !report.dryRun) await writeDigestFile(options.digestFile, pinned, log);
    const atTarget = report.results.find((result) => result.status === "pushed" || result.status === "up-to-date");
    const asked = report.interruptedBy ? undefined : atTarget?.job.target;
    const pull = await checkPullAccess(() => runner.registry(), asked, options, log);
    for (const line of [...summaryLines(report), ...pull.lines]) log.always(line);
    if (options.json) process.stdout.write(`${reportJson(report, pull.requiresLogin)}\n`);
    if (report.interruptedBy) return EXIT.interrupted;
    return report.results.some((r) => r.status === "failed") ? EXIT.failed : EXIT.ok;
  } catch (error) {
    // Whatever failed while stopping, the interrupt is what happened.
    throw runner.interrupted && !(error instanceof InterruptedError)
      ? runner.interruptedError(stoppedDuring(runner.phase, options))
      : error;
  } finally {
    stopListening();
    stopListeningAgain();
    tempDir.remove();
  }
}

/** What an interrupt stopped, as the `Stopped:` line says it: with --from-archive, the prepare hook is the bundle's check. */
function stoppedDuring(phase: Runner["phase"], options: Options): string {
  if (phase === "preparing" && options.fromArchive.length > 0) return "the bundle's check";
  return phase === "preparing" || phase === "planning" ? "preflight" : phase;
}
