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
  /** RFC 6750's reason, e.g. `invalid_token` (expired) or `insufficient_scope`. */
  readonly error?: string;
}

/** What a token server handed out, and until when it may be used (ms since the epoch). */
export interface IssuedToken {
  readonly value: string;
  readonly expiresAt: number;
}

/** The spec's lifetime of a token whose answer has no `expires_in`. */
const DEFAULT_LIFETIME_S = 60;

export function parseChallenge(response: HttpResponse): Challenge {
  const header = String(response.headers["www-authenticate"] ?? "");
  const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]?.toLowerCase(), m[2]]));
  const scheme = /^bearer/i.test(header) ? "bearer" : /^basic/i.test(header) ? "basic" : "none";
  return { scheme, realm: params.realm, service: params.service, scope: params.scope, error: params.error };
}

/** The entries of a space-separated scope list, e.g. a mount's `repository:b:pull,push repository:a:pull`. */
export function scopeEntries(scope: string | undefined): string[] {
  return (scope ?? "").split(" ").filter(Boolean);
}

/** The token-server URL for a challenge, asking for each scope entry in a `scope` parameter of its own (as the spec says). */
export function tokenUrl(
  challenge: Challenge,
  baseUrl: string,
  scopes: readonly string[] = scopeEntries(challenge.scope),
): string {
  const url = new URL(challenge.realm ?? `${baseUrl}/token`);
  if (challenge.service) url.searchParams.set("service", challenge.service);
  for (const scope of scopes) url.searchParams.append("scope", scope);
  return url.toString();
}

/** The token in a token server's answer (`token` or OAuth's `access_token`). */
export function tokenFrom(response: HttpResponse): string | undefined {
  return answerOf(response)?.value;
}

/**
 * The token and its expiry. The clock starts at `askedAt` (ours), or at the
 * server's `issued_at` when that is earlier, but not by more than the token's
 * lifetime: a server clock far behind ours would make every token look expired.
 */
export function issuedToken(response: HttpResponse, askedAt: number): IssuedToken | undefined {
  const answer = answerOf(response);
  if (!answer) return undefined;
  const lifetimeMs =
    (typeof answer.expiresIn === "number" && answer.expiresIn > 0 ? answer.expiresIn : DEFAULT_LIFETIME_S) * 1000;
  const issued = typeof answer.issuedAt === "string" ? Date.parse(answer.issuedAt) : Number.NaN;
  const start = issued < askedAt && issued > askedAt - lifetimeMs ? issued : askedAt;
  return { value: answer.value, expiresAt: start + lifetimeMs };
}

function answerOf(response: HttpResponse): { value: string; expiresIn?: unknown; issuedAt?: unknown } | undefined {
  try {
    const body = JSON.parse(response.body) as {
      token?: unknown;
      access_token?: unknown;
      expires_in?: unknown;
      issued_at?: unknown;
    };
    const value = body.token ?? body.access_token;
    return typeof value === "string" && value !== ""
      ? { value, expiresIn: body.expires_in, issuedAt: body.issued_at }
      : undefined;
  } catch {
    return undefined;
  }
}
