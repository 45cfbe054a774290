/**
 * The runner: holds the hooks, the options, the shell and the logger that
 * plugins use, and runs plan -> preflight -> tag and push -> report.
 */
import { setMaxListeners } from "node:events";
import { tmpdir } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { ContainerTool } from "../engine/container-tool.ts";
import { EnginePush } from "../engine/engine-push.ts";
import type { Transport } from "./transport.ts";
import { interruptedFailure, InterruptedError, PushImagesError } from "./errors.ts";
import { createHooks, guardHooks, type Job, type JobResult, type Report, type RunnerHooks } from "./hooks.ts";
import type { Logger } from "./logger.ts";
import type { Options } from "../options/options.ts";
import { basePlan, checkTargets } from "./plan.ts";
import { layerSchedule } from "./layer-plan.ts";
import { planLines } from "./plan-display.ts";
import { BUILT_IN_PREFLIGHT, tapBuiltInPreflight } from "./preflight.ts";
import { lookAhead } from "./look-ahead.ts";
import { lookUp, pushJob } from "./push-job.ts";
import { runPool } from "./pool.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.ts";
import { openRegistryConnection, type RegistryConnection } from "../registry/connection.ts";
import type { RemoteImage } from "../registry/manifest.ts";
import type { Shell } from "../engine/shell.ts";

/** How long dockerd gets to finish a push whose CLI an interrupt stopped. */
const DOCKERD_SETTLE_MS = 1000;

/** Up-to-date checks in flight ahead of the pushes: as many as -j, and at least this handful (not one per image: no burst at the registry). */
const LOOK_AHEAD = 4;

export interface RunnerParts {
  readonly options: Options;
  readonly shell: Shell;
  readonly log: Logger;
  readonly env: NodeJS.ProcessEnv;
  /** The run's own temporary directory (src/core/run-temp-dir.ts); the system's by default. */
  readonly tempDir?: string;
}

/** Where a run is, for the line that says what an interrupt stopped. */
export type RunPhase = "planning" | "preflight" | "pushing" | "reporting";

export class Runner {
  /** Typed tapable hooks; see src/core/hooks.ts and docs for each one. */
  readonly hooks: RunnerHooks = guardHooks(createHooks(), BUILT_IN_PREFLIGHT, () => this.applyingFile);
  readonly options: Options;
  readonly shell: Shell;
  readonly log: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly tool: ContainerTool;
  /** Local image ids by reference (sources and targets), found by preflight. */
  readonly localImages = new Map<string, string | undefined>();
  /** Layers (uncompressed digests) of the local images preflight found, by reference. */
  readonly localLayers = new Map<string, readonly string[]>();
  /** Target tags this run added to local storage; removed when the pushes are over. */
  readonly temporaryTags = new Set<string>();
  readonly retryPolicy: RetryPolicy;
  readonly tempDir: string;
  /** --from-archive: images go through the registry API; no podman or docker is used. */
  readonly engineless: boolean;
  /** What sends each image: the container engine unless a plugin hands the run another (--from-archive). */
  private sender: Transport = new EnginePush(this);
  /** performance.now() when the runner was made, before the first request to the registry. */
  readonly startedAt = performance.now();
  private phaseNow: RunPhase = "planning";
  private interruptedBy?: string;
  private readonly stopping = new AbortController();
  private readonly stoppingNow = new AbortController();
  private connection?: Promise<RegistryConnection>;
  /** The site plugin file being applied, so its taps' errors can name it. */
  private applyingFile?: string;

  constructor({ options, shell, log, env, tempDir }: RunnerParts) {
    this.options = options;
    this.tempDir = tempDir ?? tmpdir();
    // Every request of the run listens for the interrupt: many at once with bundles, not a leak.
    setMaxListeners(0, this.stopping.signal);
    this.engineless = options.fromArchive.length > 0;
    this.shell = shell;
    this.log = log;
    this.env = env;
    this.tool = new ContainerTool(options.containerTool, shell);
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, retries: options.retries };
    tapBuiltInPreflight(this);
  }

  /** Plans, checks and pushes; resolves with the report, whatever failed. */
  async run(): Promise<Report> {
    try {
      return await this.runStages();
    } finally {
      // Also after a failed preflight or an interrupt: plugins put local storage back.
      await this.hooks.cleanup.promise().catch((error: unknown) => this.log.warn((error as Error).message));
    }
  }

  private async runStages(): Promise<Report> {
    const started = performance.now();
    await this.hooks.prepare.promise();
    const jobs = this.hooks.plan.call(basePlan(this.options));
    checkTargets(jobs);
    // A dry run shows the plan before the checks, so it is there even when
    // the registry cannot be reached from where the plan is made.
    if (this.options.dryRun) for (const line of await planLines(this, jobs)) this.log.always(line);
    this.stopIfInterrupted();
    this.phaseNow = "preflight";
    await this.hooks.preflight.promise(jobs).catch((error: unknown) => {
      // A check cut short by the interrupt fails with whatever it was doing: say what stopped it.
      this.stopIfInterrupted();
      throw error;
    });
    this.stopIfInterrupted();
    this.phaseNow = "pushing";

    let brokenPlugin = false;
    const { order, waitsFor } = layerSchedule(this, jobs);
    const heldBefore = this.options.dryRun ? undefined : lookAhead(order.map((job) => job.target), (target) => lookUp(this, target), Math.max(LOOK_AHEAD, this.options.concurrency), () => this.interruptedBy !== undefined);
    const results: JobResult[] = this.options.dryRun
      ? jobs.map((job) => ({ job, status: "planned", seconds: 0, attempts: 0 }))
      : await runPool(
          order,
          this.options.concurrency,
          async (job) => {
            const result = await this.runJob(job, heldBefore?.(job.target));
            // A broken plugin would break every image alike: stop rather than push past it.
            brokenPlugin ||= result.error?.code === "PLUGIN_FAILED";
            return result;
          },
          () => brokenPlugin || this.interruptedBy !== undefined,
          (job) => waitsFor.get(job) ?? [],
        ).finally(() => this.removeTemporaryTags());
    // The report keeps the plan's order, whatever order the pushes ended in.
    results.sort((a, b) => jobs.indexOf(a.job) - jobs.indexOf(b.job));
    this.phaseNow = "reporting";
    const report: Report = {
      results,
      planned: jobs.length,
      seconds: (performance.now() - started) / 1000,
      dryRun: this.options.dryRun,
      interruptedBy: this.interruptedBy,
      interruptedDuring: this.interruptedBy ? "pushing" : undefined,
    };
    await this.hooks.done.promise(report);
    return report;
  }

  /** Runs a site plugin's apply(); taps it makes remember `file`. */
  applyFrom(file: string, apply: () => void): void {
    this.applyingFile = file;
    try {
      apply();
    } finally {
      this.applyingFile = undefined;
    }
  }

  /** The target registry's API, opened (and checked) on first use. */
  registry(): Promise<RegistryConnection> {
    this.connection ??= openRegistryConnection(this);
    return this.connection;
  }

  /** Ctrl-C / SIGTERM: stop what runs; run() ends after cleaning up. */
  interrupt(signal: string): void {
    this.interruptedBy = signal;
    this.stopping.abort();
    this.shell.stopAll();
  }

  /** Fires on interrupt; waits (retry backoff) listen to it. */
  get stopSignal(): AbortSignal {
    return this.stopping.signal;
  }

  /** A second Ctrl-C / SIGTERM: what the first let finish (an upload's current chunk) stops too. */
  interruptAgain(): void {
    this.stoppingNow.abort();
  }

  /** Fires on a second interrupt; see interruptAgain. */
  get stopNowSignal(): AbortSignal {
    return this.stoppingNow.signal;
  }

  get interrupted(): string | undefined {
    return this.interruptedBy;
  }

  get transport(): Transport {
    return this.sender;
  }

  /** Hands the pushes to another transport (the registry API for bundles); call it in apply(). */
  useTransport(transport: Transport): void {
    this.sender = transport;
  }

  /** What the run is doing now: planning, preflight, pushing or reporting. */
  get phase(): RunPhase {
    return this.phaseNow;
  }

  private async runJob(job: Job, heldBefore?: Promise<RemoteImage | undefined>): Promise<JobResult> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const tally = { attempts: 0 };
    let result: JobResult;
    try {
      const { status, digest, attempts } = await pushJob(this, job, tally, heldBefore);
      result = { job, status, digest, attempts, seconds: seconds() };
    } catch (caught) {
      const error = this.interruptedBy ? interruptedFailure(this.interruptedBy) : caught;
      if (!(error instanceof PushImagesError)) throw error;
      return this.fail({ job, status: "failed", error, attempts: tally.attempts, seconds: seconds() });
    }
    try {
      await this.hooks.afterPush.promise(job, result);
      return result;
    } catch (caught) {
      if (!(caught instanceof PushImagesError)) throw caught;
      // The image is at the target: say so, and count it once, as failed.
      const where = `${job.target} is in the registry${result.digest ? ` (${result.digest})` : ""}, but`;
      const error = new PushImagesError(caught.code, `${where} ${caught.message}`, caught.hint, caught.exitCode, caught.detail);
      return this.fail({ ...result, status: "failed", error });
    }
  }

  private async fail(result: JobResult & { error: PushImagesError }): Promise<JobResult> {
    await this.hooks.failed.promise(result.job, result.error);
    return result;
  }

  private async removeTemporaryTags(): Promise<void> {
    if (this.temporaryTags.size === 0) return;
    const targets = [...this.temporaryTags];
    const result = await this.shell.run(this.tool.name, this.tool.untagArgs(targets), { mutates: true });
    if (result.exitCode !== 0) this.log.warn(`could not remove the temporary tags ${targets.join(", ")}: ${result.stderr.trim()}`);
    this.temporaryTags.clear();
    if (this.interruptedBy && this.tool.name === "docker" && !this.options.dryRun) await this.removeLateDigestNames(targets);
  }

  /**
   * dockerd finishes a push whose CLI was stopped, and may name the image
   * `<target>@<digest>` just after the untag: a moment later, such names of
   * the targets' repositories on the images we pushed are removed too (the
   * images keep their source names).
   */
  private async removeLateDigestNames(targets: readonly string[]): Promise<void> {
    await sleep(DOCKERD_SETTLE_MS);
    const repositories = new Set(targets.map((target) => target.slice(0, target.lastIndexOf(":"))));
    const ours = new Set([...this.localImages.values()].filter((id) => id !== undefined));
    const listed = await this.shell.run(this.tool.name, this.tool.digestNamesArgs());
    const late = listed.stdout.split("\n").flatMap((line) => {
      const [id = "", name = ""] = line.split("\t");
      return ours.has(id) && repositories.has(name.slice(0, name.lastIndexOf("@"))) ? [name] : [];
    });
    if (late.length > 0) await this.shell.run(this.tool.name, this.tool.untagArgs(late), { mutates: true });
  }

  private stopIfInterrupted(): void {
    if (this.interruptedBy) throw new InterruptedError(this.interruptedBy, this.phaseNow);
  }
}

