/**
 * The container engine as a transport: `podman push SOURCE docker://TARGET`,
 * or docker's tag of the source as the target and `docker push`, retrying
 * transient failures. A tag is noted for the runner to remove (unless it was
 * there before), so local storage is left as it was found.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { digestFromDockerPush } from "./container-tool.ts";
import type { FailedCommand } from "./command-failure.ts";
import { diagnose, isTransient, type DiagnoseContext } from "./diagnose.ts";
import { failure, interruptedFailure } from "../core/errors.ts";
import type { Job } from "../core/hooks.ts";
import { backoffMs, pause, retryAfterMs } from "../core/retry.ts";
import type { Runner } from "../core/runner.ts";
import type { AttemptTally, SendOutcome, Transport } from "../core/transport.ts";

export class EnginePush implements Transport {
  constructor(private readonly runner: Runner) {}

  get name(): string {
    return this.runner.tool.name;
  }

  async send(job: Job, tally: AttemptTally): Promise<SendOutcome> {
    const { runner } = this;
    const { tool, shell, hooks } = runner;
    if (!makesTag(runner)) return pushWithRetries(runner, job, tally);
    const targetExisted = job.target === job.source || runner.localImages.get(job.target) !== undefined;
    hooks.progress.call(job, { stage: "tagging" });
    const tagArgs = hooks.tagArgs.call(tool.tagArgs(job), job);
    const tag = await shell.run(tool.name, tagArgs, { mutates: true });
    // Removed by the runner once all pushes are over, in one command; a tag
    // cut short by an interrupt may still have been made.
    if (!targetExisted && (tag.exitCode === 0 || runner.interrupted)) runner.temporaryTags.add(job.target);
    if (tag.exitCode !== 0) throw diagnose(tag.stderr, await context(runner, job, "tag", { command: tool.name, args: tagArgs, ...tag }));
    return pushWithRetries(runner, job, tally);
  }
}

/** docker pushes only a local name, so it tags; podman pushes the source itself, and tags only when a plugin taps `tagArgs`. */
export function makesTag(runner: Runner): boolean {
  return runner.tool.name === "docker" || runner.hooks.tagArgs.taps.length > 0;
}

async function pushWithRetries(runner: Runner, job: Job, tally: AttemptTally): Promise<SendOutcome> {
  const { tool, shell, hooks, options } = runner;
  const workDir = await mkdtemp(join(runner.tempDir, "push-"));
  try {
    const digestFile = join(workDir, "digest");
    for (let attempt = 1; ; attempt++) {
      tally.attempts = attempt;
      hooks.progress.call(job, { stage: "pushing", attempt });
      const pushArgs = hooks.pushArgs.call(tool.pushArgs(job, digestFile), job);
      const push = await shell.run(tool.name, pushArgs, { mutates: true, stallMs: options.stallTimeoutMs });
      // podman exits 0 when it is stopped by SIGTERM: after an interrupt, its exit code proves nothing.
      if (runner.interrupted) throw interruptedFailure(runner.interrupted);
      // Stopped for stalling: podman exits 0 on SIGTERM, so the exit code says nothing here either.
      if (push.exitCode === 0 && !push.stalled) {
        const digest = tool.name === "podman" ? await readFile(digestFile, "utf8").catch(() => undefined) : digestFromDockerPush(push.stdout);
        return { digest: digest?.trim() || undefined, attempts: attempt };
      }
      const output = `${push.stderr}\n${push.stdout}`;
      const failed = { command: tool.name, args: pushArgs, ...push };
      const error = push.stalled ? stalledPush(runner, job.image) : diagnose(output, await context(runner, job, "push", failed));
      if (!isTransient(error) || attempt > options.retries || runner.interrupted) throw error;
      const delayMs = retryAfterMs(output, runner.retryPolicy) ?? backoffMs(attempt, runner.retryPolicy);
      hooks.progress.call(job, { stage: "retrying", attempt: attempt + 1, delayMs, reason: error.message });
      await pause(delayMs, runner.stopSignal);
      // The wait was cut short by an interrupt: no new push.
      if (runner.interrupted) throw error;
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** REGISTRY_STALLED: nothing sent or received for --stall-timeout seconds. */
export function stalledPush(runner: Runner, what: string) {
  const seconds = runner.options.stallTimeoutMs / 1000;
  return failure(
    "REGISTRY_STALLED",
    `the push of ${what} made no progress for ${seconds}s: ${runner.options.registry.host} stopped answering`,
    `check the registry and the network to it, then run push-images again (wait longer with --stall-timeout ${seconds * 4})`,
  );
}

/** With the login command preflight named (the registry was opened there), so a login fix is the same one. */
async function context(runner: Runner, job: Job, stage: string, command: FailedCommand): Promise<DiagnoseContext> {
  const login = (await runner.registry().catch(() => undefined))?.login;
  return { tool: runner.tool.name, registryHost: runner.options.registry.host, action: `${stage} of ${job.image}`, command, login };
}
