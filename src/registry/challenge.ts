/**
 * The registry token flow (distribution's token authentication): a 401
 * names a realm and service; the token server hands out a bearer token for
 * a scope, with the user's basic credentials or anonymously.
 */
import type { HttpResponse } from "./http.ts";

export interface Challenge {
  readonly scheme: "basic" | "bearer" | "none";
  readonly realm?: string;
  readonly service?: string;
  readonly scope?: string;
}

export function parseChallenge(response: HttpResponse): Challenge {
  const header = String(response.headers["www-authenticate"] ?? "");
  const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]?.toLowerCase(), m[2]]));
  const scheme = /^bearer/i.test(header) ? "bearer" : /^basic/i.test(header) ? "basic" : "none";
  return { scheme, realm: params.realm, service: params.service, scope: params.scope };
}

/** The token-server URL for a challenge, asking for `scope` when given. */
export function tokenUrl(challenge: Challenge, baseUrl: string, scope = challenge.scope): string {
  const url = new URL(challenge.realm ?? `${baseUrl}/token`);
  if (challenge.service) url.searchParams.set("service", challenge.service);
  if (scope) url.searchParams.set("scope", scope);
  return url.toString();
}

/** The token in a token server's answer (`token` or OAuth's `access_token`). */
export function tokenFrom(response: HttpResponse): string | undefined {
  try {
    const body = JSON.parse(response.body) as { token?: string; access_token?: string };
    return body.token ?? body.access_token;
  } catch {
    return undefined;
  }
}
