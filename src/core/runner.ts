/**
 * The runner: holds the hooks, the options, the shell and the logger that
 * plugins use (through src/core/run-context.ts), and runs
 * plan -> preflight -> push (through the run's transport) -> report.
 * Private to the core: plugins see a RunContext, transports a TransportContext.
 */
import { setMaxListeners } from "node:events";
import { tmpdir } from "node:os";
import { ContainerTool } from "../engine/container-tool.ts";
import { EnginePush } from "../engine/engine-push.ts";
import type { Shell } from "../engine/shell.ts";
import type { LocalList } from "../engine/local-lists.ts";
import type { Options } from "../options/options.ts";
import { openRegistryConnection, type ConnectionParts, type RegistryConnection } from "../registry/connection.ts";
import { InterruptedError } from "./errors.ts";
import { createHooks, guardHooks, type Job, type JobResult, type Report, type RunnerHooks } from "./hooks.ts";
import { layerSchedule } from "./layer-plan.ts";
import type { Logger } from "./logger.ts";
import { lookAhead } from "./look-ahead.ts";
import { planLines } from "./plan-display.ts";
import { basePlan, checkTargets } from "./plan.ts";
import { runPool } from "./pool.ts";
import { BUILT_IN_PREFLIGHT, tapBuiltInPreflight } from "./preflight.ts";
import { lookUp } from "./push-job.ts";
import { withPlatforms } from "./platform-plan.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.ts";
import type { RunContext } from "./run-context.ts";
import { runJob } from "./run-job.ts";
import type { Transport, TransportContext } from "./transport.ts";

/** Up-to-date checks in flight ahead of the pushes: as many as -j, and at least this handful (not one per image). */
const LOOK_AHEAD = 4;

export interface RunnerParts {
  readonly options: Options;
  readonly shell: Shell;
  readonly log: Logger;
  readonly env: NodeJS.ProcessEnv;
  /** The run's own temporary directory (src/core/run-temp-dir.ts); the system's by default. */
  readonly tempDir?: string;
  /** The waits between retries; the defaults unless a test shortens them (their number comes from --retries). */
  readonly retryWaits?: Partial<Omit<RetryPolicy, "retries">>;
  /** How the registry's API is opened: over HTTP unless a test answers from memory. */
  readonly openRegistry?: (parts: ConnectionParts) => Promise<RegistryConnection>;
}

/** Where a run is, for the line that says what an interrupt stopped. */
export type RunPhase = "preparing" | "planning" | "preflight" | "pushing" | "reporting";

export class Runner implements RunContext, TransportContext {
  /** Typed tapable hooks; see src/core/hooks.ts and docs for each one. */
  readonly hooks: RunnerHooks = guardHooks(createHooks(), BUILT_IN_PREFLIGHT, () => this.applyingFile);
  readonly options: Options;
  readonly shell: Shell;
  readonly log: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly tool: ContainerTool;
  /** Local image ids by reference (sources and targets): preflight's finding, read by each job. */
  readonly localImages = new Map<string, string | undefined>();
  /** Layers (uncompressed digests) of the local images preflight found, by reference. */
  readonly localLayers = new Map<string, readonly string[]>();
  /** Sizes of the local images preflight found, by reference. */
  readonly localSizes = new Map<string, number>();
  readonly localLists = new Map<string, LocalList>(); // podman's manifest lists among the sources: preflight's finding
  readonly retryPolicy: RetryPolicy;
  readonly tempDir: string;
  /** --from-archive: images go through the registry API; no podman or docker is used. */
  readonly engineless: boolean;
  /** performance.now() when the runner was made, before the first request to the registry. */
  readonly startedAt = performance.now();
  /** What sends each image: the container engine unless a plugin hands the run another (--from-archive). */
  private sender: Transport;
  private phaseNow: RunPhase = "planning";
  private interruptedBy?: string;
  private readonly stopping = new AbortController();
  private readonly stoppingNow = new AbortController();
  private readonly openRegistry: (parts: ConnectionParts) => Promise<RegistryConnection>;
  private connection?: Promise<RegistryConnection>;
  /** The plan, once made: what an interrupt before the pushes kept from starting. */
  private jobs: readonly Job[] = [];
  /** The site plugin file being applied, so its taps' errors can name it. */
  private applyingFile?: string;
  /** Stages of the plugins' preflight taps: one before the registry's may set up the login. */
  private readonly pluginCheckStages: number[] = [];

  constructor({ options, shell, log, env, tempDir, retryWaits, openRegistry = openRegistryConnection }: RunnerParts) {
    this.options = options;
    this.tempDir = tempDir ?? tmpdir();
    // Every request of the run listens for the interrupt: many at once with bundles, not a leak.
    setMaxListeners(0, this.stopping.signal);
    this.engineless = options.fromArchive.length > 0;
    this.shell = shell;
    this.log = log;
    this.env = env;
    this.tool = new ContainerTool(options.containerTool, shell);
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...retryWaits, retries: options.retries };
    this.openRegistry = openRegistry;
    this.sender = new EnginePush(this, this);
    this.hooks.preflight.intercept({
      register: (tap) => {
        if (!BUILT_IN_PREFLIGHT.has(tap.name)) this.pluginCheckStages.push(tap.stage ?? 0);
        return tap;
      },
    });
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
    // The prepare hook's work (reading a whole bundle) is long enough for an interrupt to land in it.
    this.phaseNow = "preparing";
    await this.hooks.prepare.promise();
    this.phaseNow = "planning";
    let jobs = this.hooks.plan.call(basePlan(this.options));
    checkTargets(jobs);
    this.jobs = jobs;
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
    jobs = this.jobs = withPlatforms(this, jobs);
    this.phaseNow = "pushing";
    let brokenPlugin = false;
    const { order, waitsFor } = layerSchedule(this.localLayers, jobs);
    const lookAheadCount = Math.max(LOOK_AHEAD, this.options.concurrency);
    const targets = order.map((job) => job.target);
    const lookUpTarget = (target: string) => lookUp(this, target);
    const heldBefore = this.options.dryRun ? undefined : lookAhead(targets, lookUpTarget, lookAheadCount, () => this.stopped);
    const results: JobResult[] = this.options.dryRun
      ? jobs.map((job) => ({ job, status: "planned", seconds: 0, attempts: 0 }))
      : await runPool(
          order,
          this.options.concurrency,
          async (job) => {
            const result = await runJob(this, job, heldBefore?.(job.target));
            // A broken plugin would break every image alike: stop rather than push past it.
            brokenPlugin ||= result.error?.code === "PLUGIN_FAILED";
            return result;
          },
          () => brokenPlugin || this.stopped,
          (job) => waitsFor.get(job) ?? [],
        ).finally(() => this.sender.finish?.());
    // The report keeps the plan's order, whatever order the pushes ended in.
    results.sort((a, b) => jobs.indexOf(a.job) - jobs.indexOf(b.job));
    this.phaseNow = "reporting";
    const begun = new Set(results.map((result) => result.job));
    const report: Report = {
      results,
      planned: jobs.length,
      notStarted: jobs.filter((job) => !begun.has(job)),
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
    this.connection ??= this.openRegistry(this);
    return this.connection;
  }

  /** Whether a plugin's preflight check runs before `stage` (preflight.ts asks). */
  pluginCheckBefore(stage: number): boolean {
    return this.pluginCheckStages.some((tapStage) => tapStage < stage);
  }

  /** Ctrl-C / SIGTERM / SIGHUP: stop what runs; run() ends after cleaning up. */
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

  private get stopped(): boolean {
    return this.interruptedBy !== undefined;
  }

  get transport(): Transport {
    return this.sender;
  }

  /** Hands the pushes to another transport (the registry API for bundles); call it in apply(). */
  useTransport(create: (core: TransportContext) => Transport): void {
    this.sender = create(this);
  }

  /** What the run is doing now: preparing (the plugins' prepare hook), planning, preflight, pushing or reporting. */
  get phase(): RunPhase {
    return this.phaseNow;
  }

  private stopIfInterrupted(): void {
    if (this.interruptedBy) throw this.interruptedError();
  }

  /** The interrupt as the error that ends a run before its report, with the plan it kept from starting. */
  interruptedError(phase: string = this.phaseNow): InterruptedError {
    return new InterruptedError(this.interruptedBy ?? "an interrupt", phase, undefined, this.jobs);
  }
}
