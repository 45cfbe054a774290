/**
 * `push-images verify`: the push's plan (the same plugins reshape the same
 * targets, a bundle is read the same way), then, read-only, whether the
 * registry holds each target whole, and the same image as the local one or
 * the bundle's. No preflight hooks run: they may write (Harbor's
 * --create-project), and verify must not.
 */
import { EXIT } from "../core/errors.ts";
import type { Job } from "../core/hooks.ts";
import type { Interrupts } from "../core/interrupts.ts";
import { createLogger, type Logger } from "../core/logger.ts";
import { basePlan, checkTargets } from "../core/plan.ts";
import { runPool } from "../core/pool.ts";
import { createRunTempDir } from "../core/run-temp-dir.ts";
import { Runner } from "../core/runner.ts";
import { verifyImage, type PushAgain, type VerifyResult } from "../core/verify-image.ts";
import { verifyJson, verifyLine, verifySummary } from "../core/verify-report.ts";
import { formatCommand } from "../engine/command-text.ts";
import { createShell } from "../engine/shell.ts";
import { applyPlugins } from "../options/apply-options.ts";
import type { Options, RawFlags } from "../options/options.ts";
import { checkPullAccess } from "./after-push.ts";

/** Images checked at once. */
const IMAGES_AT_ONCE = 4;

export async function runVerify(options: Options, typed: RawFlags, programDir: string, interrupts: Interrupts): Promise<number> {
  const log = createLogger({ quiet: options.quiet, verbose: options.verbose });
  const tempDir = createRunTempDir(process.env);
  const shell = createShell({ dryRun: false, log, tempDir: tempDir.forTool });
  const runner = new Runner({ options, log: checkingNotPushing(log), env: process.env, shell, tempDir: tempDir.path });
  const stopListening = interrupts.onInterrupt((signal) => runner.interrupt(signal));
  const started = performance.now();
  try {
    // No progress display: verify prints its own line per image.
    await applyPlugins(runner, { programDir, terminal: false, signal: interrupts.signal });
    await runner.hooks.prepare.promise();
    const jobs = runner.hooks.plan.call(basePlan(options));
    checkTargets(jobs);
    const registry = await runner.registry();
    const localIds = await localImageIds(runner, jobs, log);
    const pushAgain = pushAgainCommand(typed);
    let done = 0;
    const results: VerifyResult[] = await runPool(
      jobs,
      IMAGES_AT_ONCE,
      async (job) => {
        const result = await verifyImage(registry, job, localIds.get(job.source), pushAgain);
        log.info(verifyLine(result, ++done, jobs.length));
        return result;
      },
      () => runner.interrupted !== undefined,
    );
    if (runner.interrupted) throw runner.interruptedError("verify");
    results.sort((a, b) => jobs.indexOf(a.job) - jobs.indexOf(b.job));
    const whole = results.find((result) => result.status === "whole");
    const pull = await checkPullAccess(() => runner.registry(), whole?.job.target, options, log);
    const seconds = (performance.now() - started) / 1000;
    for (const line of [...verifySummary(results, seconds), ...pull.lines]) log.always(line);
    if (options.json) process.stdout.write(`${verifyJson(results, seconds, pull.requiresLogin)}\n`);
    return results.every((result) => result.status === "whole") ? EXIT.ok : EXIT.failed;
  } catch (error) {
    throw runner.interrupted ? runner.interruptedError("verify") : error;
  } finally {
    await runner.hooks.cleanup.promise().catch((error: unknown) => log.warn((error as Error).message));
    stopListening();
    tempDir.remove();
  }
}

/**
 * The id of each source at hand: the bundle's (--from-archive), else the
 * container tool's local image. Without the tool or the image, the target
 * is checked for wholeness only.
 */
async function localImageIds(runner: Runner, jobs: readonly Job[], log: Logger): Promise<Map<string, string | undefined>> {
  const sources = jobs.map((job) => job.source);
  const { imageId } = runner.transport;
  if (imageId) return new Map(sources.map((source) => [source, imageId(source)]));
  try {
    const ids = await runner.tool.imageIds(sources);
    const absent = sources.filter((source) => ids.get(source) === undefined);
    if (absent.length > 0) log.info(`Not in ${runner.tool.name}'s storage, so checked for wholeness only: ${absent.join(", ")}`);
    return ids;
  } catch (error) {
    log.info(
      `${runner.tool.name} did not list the local images (${(error as Error).message.split("\n")[0]}): checking wholeness only`,
    );
    return new Map();
  }
}

/** The bundle's plan note ends "pushing those" (src/bundle/archive-plan.ts); verify pushes nothing. */
function checkingNotPushing(log: Logger): Logger {
  return { ...log, info: (message) => log.info(message.replace(/: pushing (those|it)$/, ": checking $1")) };
}

/** The push that sends one image again, with the flags this verify was given. */
function pushAgainCommand(typed: RawFlags): PushAgain {
  const each = (flag: string, values: readonly string[] = []) => values.flatMap((value) => [flag, value]);
  const given = (flag: string, value: string | undefined) => (value === undefined ? [] : [flag, value]);
  return (image, force) =>
    formatCommand("push-images", [
      ...given("-r", typed.registry),
      ...each("--from-archive", typed.fromArchive),
      ...given("-c", typed.containerTool),
      "-i",
      image,
      ...given("-p", typed.sourcePath),
      ...given("-s", typed.sourceTag),
      ...given("-d", typed.destTag),
      ...(typed.noTlsVerify ? ["-t"] : []),
      ...given("--registry-type", typed.registryType),
      ...(typed.flatten ? ["--flatten"] : []),
      ...each("--ca-file", typed.caFile),
      ...(force ? ["--force"] : []),
    ]);
}
