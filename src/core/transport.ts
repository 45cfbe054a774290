/**
 * What sends one image to its target: the container engine (tag and push
 * through podman or docker) or the registry API (a bundle's blobs, with no
 * engine at all). The runner, the hooks, the up-to-date check, the
 * read-back and the report do not know which.
 */
import type { Job } from "./hooks.ts";

/** Push attempts made so far, readable by the caller when the job fails. */
export interface AttemptTally {
  attempts: number;
}

export interface SendOutcome {
  /** The manifest digest the sender knows of, when it knows one. */
  readonly digest?: string;
  readonly attempts: number;
}

export interface Transport {
  /** Who pushed, for messages: `podman`, `docker`, `the registry API`. */
  readonly name: string;
  /** Sends the job's image to its target, retrying transient failures; throws a coded error. */
  send(job: Job, tally: AttemptTally): Promise<SendOutcome>;
}
