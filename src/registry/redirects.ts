/**
 * Redirects, followed as Go's net/http and containerd's resolver follow
 * them: 301, 302, 303, 307 and 308 to a GET or HEAD, to any host, at most
 * MAX_REDIRECTS hops. Credentials are bound to the host that asked for
 * them: a hop to another origin (blob storage behind distribution's S3
 * driver, a CDN) goes without the registry's login or tokens, and a hop
 * back to the registry gets them again. The API code sees only the final
 * answer.
 */
import type { HttpResponse } from "./http.ts";

/** Hops followed before the last redirect is taken as the answer (Go stops after 10). */
export const MAX_REDIRECTS = 10;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Sends one request to `url`; `withCredentials` only when `url` is on the registry's own origin. */
export type Hop = (url: string, withCredentials: boolean) => Promise<HttpResponse>;

/** Methods whose redirects are followed: no body to send again, and nothing changes at the registry. */
export function followsRedirects(method: string): boolean {
  return method === "GET" || method === "HEAD";
}

/** True when `url` is on `origin` (scheme, host and port): the only place the registry's credentials go. */
export function sameOrigin(url: string, origin: string): boolean {
  return new URL(url).origin === new URL(origin).origin;
}

/**
 * Sends to `url` and follows the answer's redirects; the final answer, or
 * the last redirect when there were more than MAX_REDIRECTS. `registryOrigin`
 * decides, hop by hop, whether credentials go along.
 */
export async function withRedirects(url: string, registryOrigin: string, hop: Hop): Promise<HttpResponse> {
  let at = url;
  let answer = await hop(at, sameOrigin(at, registryOrigin));
  for (let hops = 0; hops < MAX_REDIRECTS; hops++) {
    const next = redirectTarget(answer, at);
    if (!next) return answer;
    at = next;
    answer = await hop(at, sameOrigin(at, registryOrigin));
  }
  return answer;
}

/** Where a redirect points, resolved against the URL that answered it; undefined for any other answer. */
function redirectTarget(answer: HttpResponse, from: string): string | undefined {
  const location = answer.headers.location;
  if (!REDIRECTS.has(answer.status) || typeof location !== "string" || location === "") return undefined;
  try {
    const next = new URL(location, from);
    return next.protocol === "http:" || next.protocol === "https:" ? next.toString() : undefined;
  } catch {
    return undefined;
  }
}
