/**
 * `push-images verify` for one image: is the target whole (registry/image-check.ts),
 * and, when the local image or the bundle is at hand, the same image? The
 * finding says what a pull would miss and what sends the image again.
 */
import type { RegistryConnection } from "../registry/connection.ts";
import { checkTarget } from "../registry/image-check.ts";
import type { Job } from "./hooks.ts";

export type VerifyStatus = "whole" | "missing" | "incomplete" | "different" | "unreadable";

export interface VerifyResult {
  readonly job: Job;
  readonly status: VerifyStatus;
  /** The manifest digest the registry serves, when it serves one. */
  readonly digest?: string;
  /** What is missing or different; empty when whole. */
  readonly problems: readonly string[];
  /** How to put it right; undefined when whole. */
  readonly fix?: string;
}

/** How to name the push command that sends one image again; `force` adds --force. */
export type PushAgain = (image: string, force: boolean) => string;

/** `localId`: the local image's id (config digest) or the bundle's, when at hand. */
export async function verifyImage(
  registry: RegistryConnection,
  job: Job,
  localId: string | undefined,
  pushAgain: PushAgain,
): Promise<VerifyResult> {
  const held = await checkTarget(registry, job.target);
  if (held.state === "absent") {
    return {
      job,
      status: "missing",
      problems: ["the registry has no manifest for it"],
      fix: `push it again: ${pushAgain(job.image, false)}`,
    };
  }
  if (held.state === "unreadable") {
    return {
      job,
      status: "unreadable",
      problems: [`could not be read: ${held.reason}`],
      fix: "check the registry (its logs, a proxy in between), then run push-images verify again",
    };
  }
  const { digest, configDigest, gaps } = held;
  if (localId !== undefined && configDigest !== localId && digest !== localId) {
    const names = configDigest ? `config ${configDigest}` : `index ${digest}`;
    return {
      job,
      digest,
      status: "different",
      problems: [`it is another image: the target names ${names}, ${job.source} is ${localId}`],
      fix: `push it again (a later push to the same tag may have replaced it): ${pushAgain(job.image, false)}`,
    };
  }
  if (gaps.length > 0) {
    return {
      job,
      digest,
      status: "incomplete",
      problems: gaps.map((gap) => `${gap.what} is missing`),
      // The manifest is there, so a plain push would find the image up to date and skip it.
      fix:
        "the registry serves the manifest but lost what it names (garbage collection, storage): a push asks for each " +
        "blob and sends only those the registry says it lacks, and --force makes it send the image although the " +
        `manifest is there: ${pushAgain(job.image, true)}`,
    };
  }
  return { job, digest, status: "whole", problems: [] };
}
