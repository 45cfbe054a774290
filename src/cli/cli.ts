/**
 * Entry point: parse, validate, dispatch to a push, `save` or `verify`. The only
 * place that prints errors and decides the exit code.
 */
import "./thread-pool.ts";
import { EXIT, inputError, InterruptedError, PushImagesError } from "../core/errors.ts";
import { parseCommandLine } from "./flags.ts";
import type { ParsedCommandLine } from "./parsed-command-line.ts";
import { helpText } from "./help-page.ts";
import { createLogger, type Logger } from "../core/logger.ts";
import { fittingColumns } from "./terminal-size.ts";
import { BUILT_IN_DEFAULTS, loadProductDefaults, type LoadedDefaults } from "../options/product-defaults.ts";
import { programDirectory } from "./program-location.ts";
import { maskSecrets } from "../engine/command-text.ts";
import { versionText } from "./version.ts";
import { listenForInterrupts, type Interrupts } from "../core/interrupts.ts";
import { errorJson } from "../core/report.ts";
import { dropFailedWrites } from "./closed-output.ts";

async function main(argv: string[], interrupts: Interrupts): Promise<number> {
  const programDir = programDirectory();
  let loaded: LoadedDefaults;
  try {
    loaded = loadProductDefaults(process.env, programDir);
  } catch (error) {
    // A broken defaults file must not hide the help text or the version.
    if (!argv.some((a) => ["-h", "--help", "--version"].includes(a))) throw error;
    loaded = { defaults: BUILT_IN_DEFAULTS };
  }
  const command = parseCommandLine(argv, loaded.defaults);
  if (command.help) {
    process.stdout.write(helpText(command.command, loaded.defaults));
    return EXIT.ok;
  }
  if (command.version) {
    process.stdout.write(`${versionText(command.flags.verbose)}\n`);
    return EXIT.ok;
  }
  refuseLeftovers(command);
  // Loaded only now: --help and --version need none of it, and start faster.
  if (command.command === "save") {
    const [{ runSave }, { resolveSaveOptions }] = await Promise.all([
      import("./save-command.ts"),
      import("../bundle/save-options.ts"),
    ]);
    return runSave(resolveSaveOptions(command.flags, loaded.defaults), interrupts);
  }
  if (command.command === "verify") {
    const [{ runVerify }, { resolveOptions }] = await Promise.all([
      import("./verify-command.ts"),
      import("../options/options.ts"),
    ]);
    return runVerify(resolveOptions(command.flags, loaded.defaults), command.flags, programDir, interrupts);
  }
  const [{ runPush }, { resolveOptions }] = await Promise.all([import("./push-command.ts"), import("../options/options.ts")]);
  return runPush(resolveOptions(command.flags, loaded.defaults), programDir, interrupts, loaded.file);
}

function refuseLeftovers(command: ParsedCommandLine): void {
  const help = command.command === "push" ? "push-images --help" : `push-images ${command.command} --help`;
  if (command.unknownFlags.length > 0) {
    throw inputError(
      "USAGE",
      `unknown option ${command.unknownFlags.map((f) => (f.length === 1 ? `-${f}` : `--${f}`)).join(", ")}`,
      `run ${help} for the options`,
    );
  }
  if (command.extraArguments.length > 0) {
    throw inputError(
      "USAGE",
      `unexpected argument ${JSON.stringify(command.extraArguments[0])}`,
      `every value belongs to an option, e.g. -i apim-le-cache; run ${help}`,
    );
  }
}

function printError(error: unknown, log: Logger, verbose: boolean): number {
  if (error instanceof InterruptedError) {
    log.always(`Stopped: ${error.message}`);
    return EXIT.interrupted;
  }
  if (error instanceof PushImagesError) {
    log.always(`Error [${error.code}]: ${error.message}\n  Fix: ${error.hint}`);
    // Raw tool output, left whole as all -v output is.
    if (error.detail) log.verbose(maskSecrets(error.detail).replace(/^/gm, "  | "));
    return error.exitCode;
  }
  log.always(`Error: ${error instanceof Error ? (verbose ? error.stack : error.message) : String(error)}`);
  return EXIT.failed;
}

// Deprecation notices from dependencies (e.g. Node 24's DEP0190) mean nothing
// to an operator and would be mistaken for errors.
process.noDeprecation = true;
dropFailedWrites();
const argv = process.argv.slice(2);
// From the first line on: a Ctrl-C during start-up or preflight is reported like any other.
const interrupts = listenForInterrupts();
main(argv, interrupts)
  .then(
    (code) => code,
    (error: unknown) => {
      const verbose = argv.includes("-v") || argv.includes("--verbose");
      // Scripts reading --json get a document whatever stopped the run, invalid input included.
      if (argv.includes("--json") && argv[0] !== "save") process.stdout.write(`${errorJson(error)}\n`);
      // The error and its fix fit a terminal's width; --json and pipes keep whole lines.
      const columns = argv.includes("--json") ? undefined : fittingColumns();
      return printError(error, createLogger({ quiet: false, verbose, ...(columns ? { columns } : {}) }), verbose);
    },
  )
  .then((code) => {
    interrupts.close();
    // Everything the run started has ended; what may remain are sockets of a
    // registry that took the connection and never answered, which undici
    // holds until its own connect timeout. They must not keep the program
    // from ending. (stdout and stderr writes are synchronous here: nothing is lost.)
    process.exit(code);
  });
