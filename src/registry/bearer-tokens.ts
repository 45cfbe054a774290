/**
 * The bearer tokens of one registry, one per scope: a token for
 * `repository:a:pull,push` is never sent for `repository:b`. Each is kept
 * for the lifetime its token server gave it and renewed shortly before it
 * ends, so a push that outlives a token (Docker Hub's live 5 minutes,
 * Harbor's 30) goes on. A 401 gets one new token and one more try; what
 * the second try answers is the answer. Neither counts as a retry of the
 * image: the API code above never sees the 401.
 */
import { issuedToken, parseChallenge, scopeEntries, tokenUrl, type Challenge, type IssuedToken } from "./challenge.ts";
import type { HttpResponse } from "./http.ts";

/** Renew a token this long before it expires at most: a request queued behind uploads must still find it valid. */
const RENEW_AHEAD_MS = 30_000;

export interface BearerTokensOptions {
  readonly baseUrl: string;
  /** `Basic ...` of the stored login: sent to the token server, and to a registry that asks for no token. */
  readonly basic?: string;
  /** A GET of the token server. */
  readonly get: (url: string, authorization: string | undefined) => Promise<HttpResponse>;
  /** Wall-clock time in ms (token servers speak it in `issued_at`). */
  readonly now?: () => number;
  /** The bearer challenge preflight saw: the first request of each scope then fetches its token first, with no 401. */
  readonly challenge?: Challenge;
}

/** One request sent with the given Authorization header (none when undefined); called again to resend. */
export type Attempt = (authorization: string | undefined) => Promise<HttpResponse>;

interface HeldToken extends IssuedToken {
  /** Scope entries it was asked for: the request's, plus any the registry's challenge added. */
  readonly scopes: readonly string[];
  readonly renewAt: number;
}

export class BearerTokens {
  /** The registry's bearer challenge, once seen: from then on tokens are fetched before a request needs them. */
  private challenge?: Challenge;
  private readonly held = new Map<string, HeldToken>();
  private readonly fetching = new Map<string, Promise<HeldToken | undefined>>();
  private readonly now: () => number;

  constructor(private readonly options: BearerTokensOptions) {
    this.now = options.now ?? Date.now;
    this.challenge = options.challenge;
  }

  /** Sends `attempt` with the token for `scope` (a space-separated list of scope entries; "" for none). */
  async send(scope: string, attempt: Attempt): Promise<HttpResponse> {
    const sent = await this.usable(scope);
    const first = await attempt(sent ? `Bearer ${sent.value}` : this.options.basic);
    if (first.status !== 401) return first;
    const challenge = parseChallenge(first);
    if (challenge.scheme !== "bearer") return first;
    this.challenge = { scheme: "bearer", realm: challenge.realm, service: challenge.service };
    // invalid_token (expired, revoked), insufficient_scope, or our first request: a new token, once.
    const fresh = await this.renewed(scope, sent, scopeEntries(challenge.scope));
    return fresh ? attempt(`Bearer ${fresh.value}`) : first;
  }

  /** The scope's token; fetched first when the registry wants tokens and the one held is missing or about to expire. */
  private async usable(scope: string): Promise<HeldToken | undefined> {
    const held = this.held.get(scope);
    if (held && this.now() < held.renewAt) return held;
    if (!this.challenge) return held;
    return (await this.fetch(scope, held?.scopes ?? scopeEntries(scope))) ?? held;
  }

  /**
   * After a 401 to `refused`: a token another request got meanwhile when it
   * covers what the registry asked for, else a new one.
   */
  private renewed(scope: string, refused: HeldToken | undefined, asked: readonly string[]): Promise<HeldToken | undefined> {
    const held = this.held.get(scope);
    const scopes = [...new Set([...(held?.scopes ?? scopeEntries(scope)), ...asked])];
    const covers = held !== undefined && scopes.every((entry) => held.scopes.includes(entry));
    if (held && held !== refused && this.now() < held.renewAt && covers) return Promise.resolve(held);
    return this.fetch(scope, scopes);
  }

  /** One fetch per scope at a time: uploads in flight that need a new token wait for the same one. */
  private fetch(scope: string, scopes: readonly string[]): Promise<HeldToken | undefined> {
    const pending = this.fetching.get(scope);
    if (pending) return pending;
    const fetching = this.ask(scopes)
      .then((token) => {
        if (token) this.held.set(scope, token);
        return token;
      })
      .finally(() => this.fetching.delete(scope));
    this.fetching.set(scope, fetching);
    return fetching;
  }

  private async ask(scopes: readonly string[]): Promise<HeldToken | undefined> {
    const { baseUrl, basic, get } = this.options;
    const askedAt = this.now();
    const answer = await get(tokenUrl(this.challenge ?? { scheme: "bearer" }, baseUrl, scopes), basic);
    const token = answer.status === 200 ? issuedToken(answer, askedAt) : undefined;
    if (!token) return undefined;
    const lifetime = token.expiresAt - askedAt;
    // A third of a short lifetime ahead: a 3-second token is renewed after 2.
    return { ...token, scopes, renewAt: token.expiresAt - Math.min(RENEW_AHEAD_MS, lifetime / 3) };
  }
}
