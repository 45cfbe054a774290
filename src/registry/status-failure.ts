/**
 * The distribution API's HTTP statuses as the tool's coded errors, each with
 * its fix; `transient` ones are retried.
 */
import { failure, type PushImagesError } from "../core/errors.ts";
import { retryAfterHeaderMs } from "../core/retry.ts";
import type { HttpResponse } from "./http.ts";
import { loginRejectedFix } from "./login-command.ts";

/** HTTP statuses of the distribution API as our coded errors; `transient` ones are retried, after `retryAfterMs` when the registry said. */
export function statusFailure(
  response: HttpResponse,
  doing: string,
  login: string,
): PushImagesError & { transient?: boolean; retryAfterMs?: number } {
  const { status } = response;
  const said = registryMessage(response.body);
  const what = `${doing}: HTTP ${status}${said ? ` (${said})` : ""}`;
  if (status === 401) return failure("AUTH_REJECTED", what, loginRejectedFix(login));
  if (status === 403)
    return failure("ACCESS_DENIED", what, "ask the registry's administrator for push rights to this repository");
  if (status === 404)
    return failure(
      "REPOSITORY_NOT_FOUND",
      what,
      "create the project or repository first (Harbor: --create-project; ECR: --create-repositories)",
    );
  if (status === 429) {
    // Docker Hub and others say how long to wait; the retry waits that long (bounded, retry.ts).
    const retryAfterMs = retryAfterHeaderMs(response.headers["retry-after"]);
    return Object.assign(failure("RATE_LIMITED", what, "wait a few minutes and run push-images again"), {
      transient: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status >= 500)
    return Object.assign(
      failure("REGISTRY_ERROR", what, "the registry has a problem; check its logs, then run push-images again"),
      { transient: true },
    );
  return failure("PUSH_FAILED", what, "run again with -v; if it recurs, check the registry's logs");
}

/** The first error the registry names in its body (`CODE: message`). */
export function registryMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ code?: string; message?: string }> };
    const first = parsed.errors?.[0];
    return first ? [first.code, first.message].filter(Boolean).join(": ") : undefined;
  } catch {
    return undefined;
  }
}
