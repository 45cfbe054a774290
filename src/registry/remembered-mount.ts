/**
 * A blob an earlier run completed in another repository of the registry
 * (placed-blobs.ts), mounted from there instead of sent again: what
 * re-running after Ctrl-C or a dropped link saves for images that share
 * layers. Only a mount the registry confirms counts; any other answer
 * drops the entry, and the blob is looked for (HEAD) and goes up as if
 * nothing were remembered.
 */
import type { BundleBlob } from "../bundle/bundle.ts";
import type { Logger } from "../core/logger.ts";
import { mountBlob } from "./blob-steps.ts";
import type { RegistryConnection } from "./connection.ts";
import type { UploadSessions } from "./upload-sessions.ts";

export interface RememberedMount {
  /** The registry as -r names it, the state file's key. */
  readonly host: string;
  readonly sessions: UploadSessions;
  readonly log: Pick<Logger, "verbose">;
}

/**
 * Mounts `blob` into `name` from where an earlier run left it: "mounted",
 * the Location of an upload session the registry opened instead (202), or
 * undefined (nothing remembered, or refused).
 */
export async function mountRemembered(
  { host, sessions, log }: RememberedMount,
  registry: RegistryConnection,
  name: string,
  blob: BundleBlob,
): Promise<"mounted" | string | undefined> {
  const from = sessions.placedAt(host, blob.digest);
  if (from === undefined || from === name) return undefined;
  const mounted = await mountBlob(registry, name, blob.digest, from);
  if (mounted === "mounted") {
    log.verbose(`${name}: mounted ${blob.digest} from ${from}, where an earlier run put it`);
    return mounted;
  }
  log.verbose(`${name}: the registry did not mount ${blob.digest} from ${from}, where an earlier run put it; uploading it`);
  await sessions.notPlaced(host, blob.digest);
  return mounted === "unconfirmed" ? undefined : mounted;
}
