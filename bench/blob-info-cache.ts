/**
 * An empty blob-info cache of a run's own: podman and skopeo remember in
 * /var/lib/containers/cache which blobs a registry already holds, so a
 * "fresh" push after an earlier one would skip work a new host must do.
 * The run sees a fresh directory bind-mounted over that path in its own
 * mount namespace, so the machine's cache is neither used nor cleared.
 */
import { mkdirSync } from "node:fs";

const BLOB_INFO_CACHE = "/var/lib/containers/cache";

/** Creates `cache` (empty the first time) and the mount point it is bound over. */
export function prepareBlobInfoCache(cache: string): void {
  mkdirSync(BLOB_INFO_CACHE, { recursive: true });
  mkdirSync(cache, { recursive: true });
}

/** `unshare` arguments that run `command` with `cache` mounted over the blob-info cache, seen by it and its children only. */
export function ownBlobInfoCache(cache: string, command: string, args: readonly string[]): string[] {
  return [
    "--mount",
    "--propagation",
    "private",
    "sh",
    "-c",
    `mount --bind "$0" ${BLOB_INFO_CACHE} && exec "$@"`,
    cache,
    command,
    ...args,
  ];
}
