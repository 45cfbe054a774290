/**
 * A push: options become a runner with its plugins (flags, registry type,
 * progress, site plugins), the runner runs, the report is printed.
 */
import { applyOptions, progressPlugin } from "./apply-options.ts";
import { EXIT, InterruptedError, PushImagesError } from "./errors.ts";
import { createLogger } from "./logger.ts";
import type { Options } from "./options.ts";
import { resolveRegistryType } from "./registry-type.ts";
import { reportJson, summaryLines } from "./report.ts";
import { Runner } from "./runner.ts";
import { createShell } from "./shell.ts";
import { applySitePlugins, sitePluginFiles } from "./site-plugins.ts";
import { whileInterruptible } from "./interrupts.ts";

export async function runPush(options: Options, programDir: string, defaultsFile?: string): Promise<number> {
  const log = createLogger({ quiet: options.quiet, verbose: options.verbose });
  if (defaultsFile) log.verbose(`product defaults from ${defaultsFile}`);
  const runner = new Runner({ options, log, env: process.env, shell: createShell({ dryRun: options.dryRun, log }) });
  try {
    const registryType = await resolveRegistryType(options.registry.host, options.registryType);
    log.verbose(`registry type: ${registryType}${options.registryType ? "" : " (detected)"}`);
    applyOptions(runner, registryType);
    progressPlugin(options, process.stderr.isTTY === true)?.apply(runner);
    await applySitePlugins(runner, sitePluginFiles(programDir, options.plugins));

    const report = await whileInterruptible((signal) => runner.interrupt(signal), () => runner.run());
    for (const line of summaryLines(report)) log.always(line);
    if (options.json) process.stdout.write(`${reportJson(report)}\n`);
    if (report.interruptedBy) return EXIT.interrupted;
    return report.results.some((r) => r.status === "failed") ? EXIT.failed : EXIT.ok;
  } catch (error) {
    // Scripts reading --json get a document even when the run stopped early.
    if (options.json) process.stdout.write(`${JSON.stringify({ images: [], error: errorJson(error) }, null, 2)}\n`);
    throw runner.interrupted ? new InterruptedError(runner.interrupted) : error;
  }
}

function errorJson(error: unknown) {
  return error instanceof PushImagesError ? { code: error.code, message: error.message, hint: error.hint } : { code: "INTERNAL", message: String(error), hint: "" };
}
