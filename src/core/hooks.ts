/**
 * The runner's hooks: the public contract for bundled and site plugins.
 * Declared once, typed and frozen; asking for a hook that does not exist
 * throws an error that lists the ones that do, and an error thrown inside a
 * plugin is wrapped with the hook and plugin it came from.
 */
import { AsyncSeriesHook, SyncHook, SyncWaterfallHook } from "tapable";
import { inputError, PushImagesError, failure } from "./errors.ts";

/** One image to push: what a plan is made of. */
export interface Job {
  /** The product's image name, e.g. `apim-le-cache`. */
  readonly image: string;
  /** Local reference, `<source-path>/<image>:<source-tag>`. */
  readonly source: string;
  /** Destination reference, `<registry>/<image>:<dest-tag>`. */
  readonly target: string;
  /**
   * A multi-platform image (manifest list): the platforms pushed, e.g.
   * `["linux/amd64", "linux/arm64"]`; set from `beforePush` on (preflight finds
   * podman's lists). Undefined for a single-platform image.
   */
  readonly platforms?: readonly string[];
}

export type ImageStatus = "pushed" | "up-to-date" | "failed" | "planned";

/** Where one job is, for progress displays. */
export interface JobProgress {
  readonly stage: "checking" | "tagging" | "pushing" | "retrying" | "verifying";
  /** Push attempt, from 1. */
  readonly attempt?: number;
  /** With "retrying": the wait before the next attempt, and why. */
  readonly delayMs?: number;
  readonly reason?: string;
  /** With "pushing" through the registry API: bytes of the image sent (or found there) so far, of all. */
  readonly bytesSent?: number;
  readonly bytesTotal?: number;
  /** With "pushing" through podman or docker: layers the engine said are at the registry, of all; and those it is sending. */
  readonly layersDone?: number;
  readonly layersTotal?: number;
  readonly layersSending?: number;
  /** With "pushing": what the push waits for with nothing left to send (a registry placing a blob), and for how long at most. */
  readonly waiting?: string;
}

/** What happened to one job. */
export interface JobResult {
  readonly job: Job;
  readonly status: ImageStatus;
  /** Manifest digest at the target, when known. */
  readonly digest?: string;
  readonly error?: PushImagesError;
  readonly seconds: number;
  /** Push attempts made (0 when the target was already up to date). */
  readonly attempts: number;
}

/** The whole run, handed to `done` and printed at the end. */
export interface Report {
  readonly results: readonly JobResult[];
  /** Jobs in the plan; more than results when the run was interrupted. */
  readonly planned: number;
  /** Jobs of the plan that an interrupt (or a broken plugin) kept from starting, in plan order. */
  readonly notStarted: readonly Job[];
  readonly seconds: number;
  readonly dryRun: boolean;
  /** The signal that stopped the run early, if any. */
  readonly interruptedBy?: string;
  /** What the interrupt stopped (e.g. "pushing"). */
  readonly interruptedDuring?: string;
}

/** Creates the hooks of one runner. */
export function createHooks() {
  return Object.freeze({
    /** Before the plan: asynchronous work the plan depends on (reading archives). */
    prepare: new AsyncSeriesHook<[]>([]),
    /** Reshape the jobs (`{ image, source, target }`) before anything runs. */
    plan: new SyncWaterfallHook<[Job[]]>(["jobs"]),
    /** Add checks; throw to stop before any image is touched. */
    preflight: new AsyncSeriesHook<[readonly Job[]]>(["jobs"]),
    /** The argument list of `<tool> tag` for one job. */
    tagArgs: new SyncWaterfallHook<[string[], Job]>(["args", "job"]),
    /** The argument list of `<tool> push` for one job. */
    pushArgs: new SyncWaterfallHook<[string[], Job]>(["args", "job"]),
    /** Just before one image is checked, tagged and pushed. */
    beforePush: new AsyncSeriesHook<[Job]>(["job"]),
    /** Each stage of one job, retries included: for progress displays. */
    progress: new SyncHook<[Job, JobProgress]>(["job", "progress"]),
    /** After one image was pushed, or found up to date at the target. */
    afterPush: new AsyncSeriesHook<[Job, JobResult]>(["job", "result"]),
    /** After one image failed. */
    failed: new AsyncSeriesHook<[Job, PushImagesError]>(["job", "error"]),
    /** Once, with the whole report, before it is printed. */
    done: new AsyncSeriesHook<[Report]>(["report"]),
    /** Always, last: after `done`, or after a failure or an interrupt ended the run. Put back what the plugin changed locally. */
    cleanup: new AsyncSeriesHook<[]>([]),
  });
}

export type RunnerHooks = ReturnType<typeof createHooks>;

/** Stages of the built-in `preflight` checks; plugins slot theirs between them (e.g. `PREFLIGHT_STAGE.registry - 1`). */
export const PREFLIGHT_STAGE = Object.freeze({ containerTool: -300, sourceImages: -200, registry: 0 });

/**
 * The stage of taps that show what the other plugins did (progress
 * displays): they see the plan every plugin shaped, and print an image's
 * result only after every other `afterPush` tap has run, so an image a
 * plugin fails after its push is shown once, as failed.
 */
export const REPORTING_STAGE = 1000;

/**
 * Wraps the hooks so plugin errors name their plugin and unknown hook
 * names fail loudly instead of returning undefined.
 */
export function guardHooks(
  hooks: RunnerHooks,
  builtInTaps: ReadonlySet<string> = new Set(),
  originOf: () => string | undefined = () => undefined,
): RunnerHooks {
  for (const [name, hook] of Object.entries(hooks)) {
    hook.intercept({
      register: (tap) =>
        builtInTaps.has(tap.name)
          ? tap
          : { ...tap, fn: blamePlugin(name, { plugin: tap.name, file: originOf() }, tap.type, tap.fn) },
    });
  }
  return new Proxy(hooks, {
    get(target, property, receiver) {
      // Promise resolution and JSON probe for these; they are not hook names.
      const probes = ["then", "toJSON"];
      if (typeof property === "string" && !(property in target) && !probes.includes(property)) {
        throw inputError("UNKNOWN_HOOK", `there is no hook named "${property}"`, `use one of: ${Object.keys(target).join(", ")}`);
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/** Who tapped: the tap's name, and the site plugin file it came from, if any. */
interface TapOrigin {
  readonly plugin: string;
  readonly file?: string;
}

function blamePlugin(hook: string, origin: TapOrigin, type: string, fn: Function): Function {
  const wrap = (error: unknown) => pluginError(hook, origin, error);
  if (type === "promise") {
    return async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (error) {
        throw wrap(error);
      }
    };
  }
  if (type === "async") {
    return (...args: unknown[]) => {
      const callback = args.pop() as (error?: unknown, result?: unknown) => void;
      fn(...args, (error: unknown, result: unknown) => callback(error ? wrap(error) : error, result));
    };
  }
  return (...args: unknown[]) => {
    try {
      return fn(...args);
    } catch (error) {
      throw wrap(error);
    }
  };
}

/** Our own coded errors pass through; anything else is blamed on the plugin. */
function pluginError(hook: string, { plugin, file }: TapOrigin, error: unknown): PushImagesError {
  if (error instanceof PushImagesError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const where = file ? ` (${file})` : "";
  return failure(
    "PLUGIN_FAILED",
    `plugin "${plugin}"${where} failed in hook "${hook}": ${message}`,
    `fix or remove ${file ?? `the plugin "${plugin}"`}`,
  );
}
