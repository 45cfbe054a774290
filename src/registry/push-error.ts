/**
 * What a failed step of a bundle push is, as the tool's coded errors: a
 * stall (no byte either way for too long) or a broken connection is
 * transient and retried; anything else not already coded is PUSH_FAILED.
 */
import { failure, interruptedFailure, PushImagesError } from "../core/errors.ts";
import type { TransportContext } from "../core/transport.ts";
import { stalledPush } from "../engine/engine-push.ts";

/** Node's codes for a connection that broke or could not be made: worth another try. */
const NETWORK_ERRORS = new Set([
  "ECONNRESET",
  "EPIPE",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ETIMEDOUT",
]);

/** `caught` as a coded error, while pushing `image`. */
export function pushError(caught: unknown, image: string, runner: TransportContext): PushImagesError {
  if (caught instanceof PushImagesError) return caught;
  const code = (caught as NodeJS.ErrnoException).code ?? "";
  const message = (caught as Error).message;
  if (runner.interrupted) return interruptedFailure(runner.interrupted);
  const waitedMs = (caught as { waitedMs?: number }).waitedMs;
  if (code === "ETIMEDOUT") return Object.assign(stalledPush(runner.options, image, waitedMs), { transient: true });
  if (NETWORK_ERRORS.has(code)) {
    const host = runner.options.registry.host;
    return Object.assign(
      failure(
        "CONNECTION_LOST",
        `the connection to ${host} broke while pushing ${image}: ${message}`,
        "run push-images again to finish; if it recurs, check the proxies and load balancers on the way",
      ),
      { transient: true },
    );
  }
  return failure(
    "PUSH_FAILED",
    `pushing ${image} failed: ${message}`,
    "run again with -v; if it recurs, check the bundle with sha256sum -c",
  );
}
