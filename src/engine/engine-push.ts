/**
 * The container engine as a transport: `podman push SOURCE docker://TARGET`,
 * or docker's tag of the source as the target and `docker push`, retrying
 * transient failures. The tags it makes (unless they were there before) are
 * its own: finish() removes them, so local storage is left as it was found.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { digestFromDockerPush, type ContainerTool } from "./container-tool.ts";
import type { FailedCommand } from "./command-failure.ts";
import { LayerProgress } from "./layer-progress.ts";
import { diagnose, isTransient, type DiagnoseContext } from "./diagnose.ts";
import type { Shell } from "./shell.ts";
import type { StallRule } from "./stall-watch.ts";
import { failure, interruptedFailure } from "../core/errors.ts";
import type { Job, RunnerHooks } from "../core/hooks.ts";
import { answerWaitMs, waitText } from "../core/answer-wait.ts";
import { pause, retryAfterInOutput, retryWait } from "../core/retry.ts";
import type { SendOutcome, Transport, TransportContext } from "../core/transport.ts";
import type { Options } from "../options/options.ts";
import type { LocalList } from "./local-lists.ts";
import { TemporaryLists, type ListSource } from "./list-source.ts";

/** How long dockerd gets to finish a push whose CLI an interrupt stopped. */
const DOCKERD_SETTLE_MS = 1000;

/** The engine's side of a run: the tool, the shell it runs through, and the local image ids preflight found. */
export interface Engine {
  readonly tool: ContainerTool;
  readonly shell: Shell;
  readonly localImages: ReadonlyMap<string, string | undefined>;
  /** Sizes of the local images, by reference: docker's stand-in for the bytes it sent. */
  readonly localSizes?: ReadonlyMap<string, number>;
  /** Layers of the local images, by reference: what an engine push counts its progress against (layer-progress.ts). */
  readonly localLayers?: ReadonlyMap<string, readonly string[]>;
  /** podman's manifest lists among the sources (local-lists.ts): pushed whole, or the platforms --platform keeps. */
  readonly localLists?: ReadonlyMap<string, LocalList>;
}

export class EnginePush implements Transport {
  /** Target tags this transport added to local storage; removed by finish(). */
  private readonly temporaryTags = new Set<string>();
  /** Lists of the platforms --platform keeps, made for a push; removed by finish(). */
  private readonly temporaryLists: TemporaryLists;

  constructor(
    private readonly core: TransportContext,
    private readonly engine: Engine,
  ) {
    this.temporaryLists = new TemporaryLists(engine.tool, engine.shell);
  }

  get name(): string {
    return this.engine.tool.name;
  }

  async send(job: Job): Promise<SendOutcome> {
    const { core } = this;
    const { tool, shell, localImages, localLists } = this.engine;
    const list = localLists?.get(job.source);
    let pushed: ListSource | undefined;
    if (list) {
      const made = await this.temporaryLists.sourceOf(job, list).catch((error: unknown) => ({ error }));
      if ("error" in made) return { error: made.error, attempts: 0 };
      pushed = made;
    }
    if (!makesTag(tool, core.hooks)) return pushWithRetries(core, this.engine, job, pushed);
    const targetExisted = job.target === job.source || localImages.get(job.target) !== undefined;
    core.hooks.progress.call(job, { stage: "tagging" });
    const tagArgs = core.hooks.tagArgs.call(tool.tagArgs(job), job);
    const tag = await shell.run(tool.name, tagArgs, { mutates: true });
    // Removed by finish() once all pushes are over, in one command; a tag
    // cut short by an interrupt may still have been made.
    if (!targetExisted && (tag.exitCode === 0 || core.interrupted)) this.temporaryTags.add(job.target);
    if (tag.exitCode !== 0) {
      const failed = { command: tool.name, args: tagArgs, ...tag };
      return { error: diagnose(tag.stderr, await context(core, tool, job, "tag", failed)), attempts: 0 };
    }
    return pushWithRetries(core, this.engine, job, pushed);
  }

  async finish(): Promise<void> {
    const listsLeft = await this.temporaryLists.remove();
    if (listsLeft) this.core.log.warn(`could not remove the temporary manifest lists: ${listsLeft}`);
    if (this.temporaryTags.size === 0) return;
    const { tool, shell } = this.engine;
    const targets = [...this.temporaryTags];
    const result = await shell.run(tool.name, tool.untagArgs(targets), { mutates: true });
    if (result.exitCode !== 0)
      this.core.log.warn(`could not remove the temporary tags ${targets.join(", ")}: ${result.stderr.trim()}`);
    this.temporaryTags.clear();
    if (this.core.interrupted && tool.name === "docker" && !this.core.options.dryRun) await this.removeLateDigestNames(targets);
  }

  /**
   * dockerd finishes a push whose CLI was stopped, and may name the image
   * `<target>@<digest>` just after the untag: a moment later, such names of
   * the targets' repositories on the images we pushed are removed too (the
   * images keep their source names).
   */
  private async removeLateDigestNames(targets: readonly string[]): Promise<void> {
    const { tool, shell, localImages } = this.engine;
    await sleep(DOCKERD_SETTLE_MS);
    const repositories = new Set(targets.map((target) => target.slice(0, target.lastIndexOf(":"))));
    const ours = new Set([...localImages.values()].filter((id) => id !== undefined));
    const listed = await shell.run(tool.name, tool.digestNamesArgs());
    const late = listed.stdout.split("\n").flatMap((line) => {
      const [id = "", name = ""] = line.split("\t");
      return ours.has(id) && repositories.has(name.slice(0, name.lastIndexOf("@"))) ? [name] : [];
    });
    if (late.length > 0) await shell.run(tool.name, tool.untagArgs(late), { mutates: true });
  }
}

/** docker pushes only a local name, so it tags; podman pushes the source itself, and tags only when a plugin taps `tagArgs`. */
export function makesTag(tool: ContainerTool, hooks: RunnerHooks): boolean {
  return tool.name === "docker" || hooks.tagArgs.taps.length > 0;
}

async function pushWithRetries(core: TransportContext, engine: Engine, job: Job, list?: ListSource): Promise<SendOutcome> {
  const { tool, shell } = engine;
  const { hooks, options } = core;
  const workDir = await mkdtemp(join(core.tempDir, "push-"));
  try {
    const digestFile = join(workDir, "digest");
    for (let attempt = 1; ; attempt++) {
      hooks.progress.call(job, { stage: "pushing", attempt });
      const args = hooks.pushArgs.call(pushArgsOf(tool, job, digestFile, list), job);
      const layers = new LayerProgress(new Set(engine.localLayers?.get(job.source)).size, (counts) =>
        hooks.progress.call(job, { stage: "pushing", attempt, ...counts }),
      );
      const stall = stallRule(core, engine, job, attempt);
      const push = await shell.run(tool.name, args, { mutates: true, stall, onOutput: (text) => layers.read(text) });
      // podman exits 0 when it is stopped by SIGTERM: after an interrupt, its exit code proves nothing.
      if (core.interrupted) return { error: interruptedFailure(core.interrupted), attempts: attempt };
      // Stopped for stalling: podman exits 0 on SIGTERM, so the exit code says nothing here either.
      if (push.exitCode === 0 && !push.stalled) {
        const digest =
          tool.name === "podman" ? await readFile(digestFile, "utf8").catch(() => undefined) : digestFromDockerPush(push.stdout);
        return { digest: digest?.trim() || undefined, attempts: attempt };
      }
      const output = `${push.stderr}\n${push.stdout}`;
      const failed = { command: tool.name, args, ...push };
      const error = push.stalled
        ? stalledPush(options, job.image)
        : diagnose(output, await context(core, tool, job, "push", failed));
      if (!isTransient(error) || attempt > options.retries || core.interrupted) return { error, attempts: attempt };
      const { delayMs, said } = retryWait(attempt, core.retryPolicy, retryAfterInOutput(output));
      hooks.progress.call(job, { stage: "retrying", attempt: attempt + 1, delayMs, reason: `${error.message}${said}` });
      await pause(delayMs, core.stopSignal);
      // The wait was cut short by an interrupt: no new push.
      if (core.interrupted) return { error, attempts: attempt };
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** A list goes with podman's `manifest push`; one platform of it as that image; anything else as the tool pushes an image. */
function pushArgsOf(tool: ContainerTool, job: Job, digestFile: string, list: ListSource | undefined): string[] {
  if (!list) return tool.pushArgs(job, digestFile);
  return list.list
    ? tool.listPushArgs(list.reference, job, digestFile)
    : tool.pushArgs({ ...job, source: list.reference }, digestFile);
}

/**
 * When a push's quiet is a stall (stall-watch.ts): after --stall-timeout
 * with bytes left to send; once podman's connections hold nothing unsent,
 * after the wait answer-wait.ts gives for the bytes it wrote, said on the
 * progress line and with -v. docker's upload runs in dockerd, whose
 * connections a docker-group user cannot see: the image's size stands in
 * for what was sent, so a quiet docker push waits as long as the image
 * could need.
 */
function stallRule(core: TransportContext, { tool, localSizes }: Engine, job: Job, attempt: number): StallRule {
  const stallMs = core.options.stallTimeoutMs;
  const host = core.options.registry.host;
  const imageWaitMs = answerWaitMs(stallMs, localSizes?.get(job.source) ?? 0);
  const docker = tool.name === "docker";
  return {
    stallMs,
    answerMs: (written) => (docker ? imageWaitMs : answerWaitMs(stallMs, written)),
    ...(docker ? { blindAnswerMs: imageWaitMs } : {}),
    onWaiting: (waitMs) => {
      const waiting = `${host} to answer (all sent), up to ${waitText(waitMs)} in all`;
      core.log.verbose(`${job.image}: waiting for ${waiting}`);
      core.hooks.progress.call(job, { stage: "pushing", attempt, waiting });
    },
  };
}

/**
 * REGISTRY_STALLED: nothing sent or received for --stall-timeout seconds,
 * or, with `waitedMs`, no answer for that long once all was sent (answer-wait.ts).
 */
export function stalledPush(options: Options, what: string, waitedMs?: number) {
  const seconds = options.stallTimeoutMs / 1000;
  const how =
    waitedMs === undefined || waitedMs <= options.stallTimeoutMs
      ? `made no progress for ${seconds}s`
      : `sent all it had and got no answer for ${waitText(waitedMs)}`;
  return failure(
    "REGISTRY_STALLED",
    `the push of ${what} ${how}: ${options.registry.host} stopped answering`,
    `check the registry and the network to it, then run push-images again (wait longer with --stall-timeout ${seconds * 4})`,
  );
}

/** With the login command preflight named (the registry was opened there), so a login fix is the same one. */
async function context(
  core: TransportContext,
  tool: ContainerTool,
  job: Job,
  stage: string,
  command: FailedCommand,
): Promise<DiagnoseContext> {
  const login = (await core.registry().catch(() => undefined))?.login;
  return { tool: tool.name, registryHost: core.options.registry.host, action: `${stage} of ${job.image}`, command, login };
}
