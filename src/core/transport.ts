/**
 * What sends one image to its target: the container engine (tag and push
 * through podman or docker) or the registry API (a bundle's blobs, with no
 * engine at all). The runner, the hooks, the up-to-date check, the
 * read-back and the report do not know which.
 */
import type { Options } from "../options/options.ts";
import type { RegistryConnection } from "../registry/connection.ts";
import type { Job, RunnerHooks } from "./hooks.ts";
import type { Logger } from "./logger.ts";
import type { RetryPolicy } from "./retry.ts";
import type { ImageIndex } from "./platforms.ts";

/** What a send came to: the image sent (with the digest, when the sender knows it), or the error that stopped it; attempts either way. */
export type SendOutcome =
  { readonly digest?: string; readonly attempts: number } | { readonly error: unknown; readonly attempts: number };

export interface Transport {
  /** Who pushed, for messages: `podman`, `docker`, `the registry API`. */
  readonly name: string;
  /** Sends the job's image to its target, retrying transient failures; a failure comes back with the attempts it took. */
  send(job: Job): Promise<SendOutcome>;
  /** The image id a source stands for, when the transport knows it itself (a bundle's image), for the up-to-date check. */
  imageId?(source: string): string | undefined;
  /** The source's multi-platform image, when the transport knows it itself (a bundle's index). */
  imageIndex?(source: string): ImageIndex | undefined;
  /** After the last push (interrupted or not): put back what the sends changed locally. */
  finish?(): Promise<void>;
}

/** What the core hands a transport it makes: the run's parts a push needs, no more. */
export interface TransportContext {
  readonly hooks: RunnerHooks;
  readonly options: Options;
  readonly log: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly tempDir: string;
  readonly retryPolicy: RetryPolicy;
  registry(): Promise<RegistryConnection>;
  /** The first Ctrl-C: waits and requests stop. */
  readonly stopSignal: AbortSignal;
  /** A second Ctrl-C: what the first let finish (an upload's current chunk) stops too. */
  readonly stopNowSignal: AbortSignal;
  /** The signal that interrupted the run, once one has. */
  readonly interrupted: string | undefined;
}
