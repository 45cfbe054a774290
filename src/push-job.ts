/**
 * One image through the tag stage and the push stage. The temporary tag is
 * removed afterwards, whatever happened, unless it was there before: local
 * storage is left as it was found.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { digestFromDockerPush } from "./container-tool.ts";
import { diagnose } from "./diagnose.ts";
import type { ImageStatus, Job } from "./hooks.ts";
import type { Runner } from "./runner.ts";

export interface PushOutcome {
  readonly status: ImageStatus;
  readonly digest?: string;
}

export async function pushJob(runner: Runner, job: Job): Promise<PushOutcome> {
  const { tool, shell, hooks, options } = runner;
  const context = (stage: string) => ({ tool: tool.name, registryHost: options.registry.host, action: `${stage} of ${job.image}` });
  await hooks.beforePush.promise(job);

  const targetExisted = job.target === job.source || (await tool.imageId(job.target)) !== undefined;
  const tag = await shell.run(tool.name, hooks.tagArgs.call(tool.tagArgs(job), job), { mutates: true });
  if (tag.exitCode !== 0) throw diagnose(tag.stderr, context("tag"));

  const workDir = await mkdtemp(join(tmpdir(), "push-images-"));
  try {
    const digestFile = join(workDir, "digest");
    const push = await shell.run(tool.name, hooks.pushArgs.call(tool.pushArgs(job, digestFile), job), { mutates: true });
    if (push.exitCode !== 0) throw diagnose(`${push.stderr}\n${push.stdout}`, context("push"));
    const digest = tool.name === "podman" ? await readFile(digestFile, "utf8").catch(() => undefined) : digestFromDockerPush(push.stdout);
    return { status: "pushed", digest: digest?.trim() || undefined };
  } finally {
    await rm(workDir, { recursive: true, force: true });
    if (!targetExisted) await shell.run(tool.name, tool.untagArgs(job), { mutates: true });
  }
}
