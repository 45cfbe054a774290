/**
 * Entry point: parse, validate, run, report. The only place that prints
 * errors and decides the exit code.
 */
import { applyOptions, progressPlugin } from "./apply-options.ts";
import { EXIT, inputError, InterruptedError, PushImagesError } from "./errors.ts";
import { parseCommandLine } from "./flags.ts";
import { createLogger, type Logger } from "./logger.ts";
import { resolveOptions } from "./options.ts";
import { BUILT_IN_DEFAULTS, loadProductDefaults, type LoadedDefaults } from "./product-defaults.ts";
import { programDirectory } from "./program-location.ts";
import { reportJson, summaryLines } from "./report.ts";
import { resolveRegistryType } from "./registry-type.ts";
import { Runner } from "./runner.ts";
import { applySitePlugins, sitePluginFiles } from "./site-plugins.ts";
import { createShell, maskSecrets } from "./shell.ts";
import { VERSION } from "./version.ts";

async function main(argv: string[]): Promise<number> {
  const wantsHelp = argv.includes("-h") || argv.includes("--help");
  const programDir = programDirectory();
  let loaded: LoadedDefaults;
  try {
    loaded = loadProductDefaults(process.env, programDir);
  } catch (error) {
    // A broken defaults file must not hide the help text.
    if (!wantsHelp) throw error;
    loaded = { defaults: BUILT_IN_DEFAULTS };
  }
  const command = parseCommandLine(argv, loaded.defaults);
  if (command.version) {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (command.unknownFlags.length > 0) {
    throw inputError("USAGE", `unknown option ${command.unknownFlags.map((f) => (f.length === 1 ? `-${f}` : `--${f}`)).join(", ")}`, "run push-images --help for the options");
  }
  if (command.extraArguments.length > 0) {
    throw inputError("USAGE", `unexpected argument ${JSON.stringify(command.extraArguments[0])}`, "every value belongs to an option, e.g. -i apim-le-cache; run push-images --help");
  }
  const options = resolveOptions(command.flags, loaded.defaults);
  const log = createLogger({ quiet: options.quiet, verbose: options.verbose });
  if (loaded.file) log.verbose(`product defaults from ${loaded.file}`);
  const runner = new Runner({ options, log, env: process.env, shell: createShell({ dryRun: options.dryRun, log }) });
  const registryType = await resolveRegistryType(options.registry.host, options.registryType);
  log.verbose(`registry type: ${registryType}${options.registryType ? "" : " (detected)"}`);
  applyOptions(runner, registryType);
  progressPlugin(options, process.stderr.isTTY === true)?.apply(runner);
  await applySitePlugins(runner, sitePluginFiles(programDir, options.plugins));

  const stop = (signal: NodeJS.Signals) => runner.interrupt(signal);
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    const report = await runner.run();
    for (const line of summaryLines(report)) log.always(line);
    if (options.json) process.stdout.write(`${reportJson(report)}\n`);
    if (report.interruptedBy) return EXIT.interrupted;
    return report.results.some((r) => r.status === "failed") ? EXIT.failed : EXIT.ok;
  } catch (error) {
    if (options.json) process.stdout.write(`${JSON.stringify({ images: [], error: errorJson(error) }, null, 2)}\n`);
    throw runner.interrupted ? new InterruptedError(runner.interrupted) : error;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

function errorJson(error: unknown) {
  return error instanceof PushImagesError ? { code: error.code, message: error.message, hint: error.hint } : { code: "INTERNAL", message: String(error), hint: "" };
}

function printError(error: unknown, log: Logger, verbose: boolean): number {
  if (error instanceof InterruptedError) {
    log.always(`Stopped: ${error.message}`);
    return EXIT.interrupted;
  }
  if (error instanceof PushImagesError) {
    log.always(`Error [${error.code}]: ${error.message}\n  Fix: ${error.hint}`);
    if (verbose && error.detail) log.always(maskSecrets(error.detail).replace(/^/gm, "  | "));
    return error.exitCode;
  }
  log.always(`Error: ${error instanceof Error ? (verbose ? error.stack : error.message) : String(error)}`);
  return EXIT.failed;
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const verbose = argv.includes("-v") || argv.includes("--verbose");
    process.exitCode = printError(error, createLogger({ quiet: false, verbose }), verbose);
  },
);
