/**
 * The per-scope token cache (src/registry/bearer-tokens.ts) against a fake
 * registry and token server and a clock the test moves: tokens live as long
 * as `expires_in` says, are renewed before they end, and a 401 gets one new
 * token and one more try, never a loop.
 */
import { describe, expect, it } from "vitest";
import { BearerTokens } from "../../src/registry/bearer-tokens.ts";
import type { HttpResponse } from "../../src/registry/http.ts";

const BASE = "https://registry.test";
const BASIC = "Basic cm9ib3QkYXBpbStjaTpzM2NyZXQ=";
const REALM = "https://auth.test/token";
const PUSH_A = "repository:p/a:pull,push";

const reply = (status: number, headers: Record<string, string> = {}, body = ""): HttpResponse => ({ status, headers, body });
const challenge = (extra = "") => reply(401, { "www-authenticate": `Bearer realm="${REALM}",service="registry.test"${extra}` });

/** A token server handing out `t1`, `t2`, ... with the given answer fields, and a registry that takes the tokens in `valid`. */
function fakes(answer: Record<string, unknown> = { expires_in: 3 }) {
  let clock = 1_000_000;
  let issued = 0;
  const tokenRequests: Array<{ url: URL; authorization: string | undefined }> = [];
  const valid = new Set<string>();
  const sent: Array<string | undefined> = [];
  const tokens = new BearerTokens({
    baseUrl: BASE,
    basic: BASIC,
    now: () => clock,
    get: async (url, authorization) => {
      tokenRequests.push({ url: new URL(url), authorization });
      const token = `t${++issued}`;
      valid.add(token);
      return reply(200, {}, JSON.stringify({ token, ...answer }));
    },
  });
  const attempt = async (authorization: string | undefined) => {
    sent.push(authorization);
    const token = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
    return token && valid.has(token) ? reply(200) : challenge(',error="invalid_token"');
  };
  return {
    tokens,
    attempt,
    sent,
    valid,
    tokenRequests,
    scopesAsked: () => tokenRequests.map((r) => r.url.searchParams.getAll("scope")),
    tick: (ms: number) => (clock += ms),
  };
}

describe("getting a token", () => {
  it("the first request goes with the login; a bearer challenge gets a token for its scope, then it is sent again", async () => {
    const f = fakes();
    expect((await f.tokens.send(PUSH_A, f.attempt)).status).toBe(200);
    expect(f.sent).toEqual([BASIC, "Bearer t1"]);
    expect(f.tokenRequests).toHaveLength(1);
    const [asked] = f.tokenRequests;
    expect(`${asked?.url.origin}${asked?.url.pathname}`).toBe(REALM);
    expect(asked?.url.searchParams.get("service")).toBe("registry.test");
    expect(asked?.authorization).toBe(BASIC);
    expect(f.scopesAsked()).toEqual([[PUSH_A]]);
  });

  it("a scope list (a mount's) is asked as one scope parameter per entry", async () => {
    const f = fakes();
    await f.tokens.send(`${PUSH_A} repository:p/b:pull`, f.attempt);
    expect(f.scopesAsked()).toEqual([[PUSH_A, "repository:p/b:pull"]]);
  });

  it("entries the challenge names are asked for besides the request's", async () => {
    const f = fakes();
    const attempt = async (authorization: string | undefined) =>
      authorization === "Bearer t1" ? reply(200) : challenge(',scope="repository:p/b:pull"');
    await f.tokens.send(PUSH_A, attempt);
    expect(f.scopesAsked()).toEqual([[PUSH_A, "repository:p/b:pull"]]);
  });

  it("a registry that wants basic auth gets the login and no token is asked for", async () => {
    const f = fakes();
    const response = await f.tokens.send(PUSH_A, async () => reply(401, { "www-authenticate": 'Basic realm="r"' }));
    expect(response.status).toBe(401);
    expect(f.tokenRequests).toEqual([]);
  });

  it("a token server that refuses the login: the registry's 401 is the answer, sent once more at most", async () => {
    const sent: Array<string | undefined> = [];
    const tokens = new BearerTokens({ baseUrl: BASE, basic: BASIC, get: async () => reply(401) });
    const response = await tokens.send(PUSH_A, async (authorization) => (sent.push(authorization), challenge()));
    expect(response.status).toBe(401);
    expect(sent).toEqual([BASIC]);
  });
});

describe("one token per scope", () => {
  it("a scope's token is reused while it lives and never sent for another scope", async () => {
    const f = fakes();
    await f.tokens.send(PUSH_A, f.attempt);
    f.tick(1000);
    await f.tokens.send(PUSH_A, f.attempt);
    await f.tokens.send("repository:p/b:pull,push", f.attempt);
    expect(f.sent).toEqual([BASIC, "Bearer t1", "Bearer t1", "Bearer t2"]);
    expect(f.scopesAsked()).toEqual([[PUSH_A], ["repository:p/b:pull,push"]]);
  });

  it("once the registry is known to want tokens, a new scope's token is fetched before its first request", async () => {
    const f = fakes();
    await f.tokens.send(PUSH_A, f.attempt);
    await f.tokens.send("repository:p/b:pull", f.attempt);
    expect(f.sent).toEqual([BASIC, "Bearer t1", "Bearer t2"]);
  });
});

describe("expiry", () => {
  it.each([
    { lifetime: "3 s", answer: { expires_in: 3 }, renewedAfterMs: 2_000 },
    { lifetime: "the spec's 60 s (no expires_in)", answer: {}, renewedAfterMs: 40_000 },
    { lifetime: "5 minutes", answer: { expires_in: 300 }, renewedAfterMs: 270_000 },
  ])(
    "a token of $lifetime is renewed after $renewedAfterMs ms, before it ends, without a 401",
    async ({ answer, renewedAfterMs }) => {
      const f = fakes(answer);
      await f.tokens.send(PUSH_A, f.attempt);
      f.tick(renewedAfterMs - 100);
      await f.tokens.send(PUSH_A, f.attempt);
      f.tick(200);
      await f.tokens.send(PUSH_A, f.attempt);
      expect(f.sent).toEqual([BASIC, "Bearer t1", "Bearer t1", "Bearer t2"]);
      expect(f.scopesAsked()).toEqual([[PUSH_A], [PUSH_A]]);
    },
  );

  it("issued_at counts when it is earlier than the request; a clock far off is not believed", async () => {
    const at = (ms: number) => new Date(1_000_000 + ms).toISOString();
    // Issued 30 s before it was asked for: 30 s left, renewed after 20.
    const aged = fakes({ expires_in: 60, issued_at: at(-30_000) });
    await aged.tokens.send(PUSH_A, aged.attempt);
    aged.tick(21_000);
    await aged.tokens.send(PUSH_A, aged.attempt);
    expect(aged.sent.slice(1)).toEqual(["Bearer t1", "Bearer t2"]);

    const skewed = fakes({ expires_in: 60, issued_at: at(-3_600_000) });
    await skewed.tokens.send(PUSH_A, skewed.attempt);
    skewed.tick(21_000);
    await skewed.tokens.send(PUSH_A, skewed.attempt);
    expect(skewed.sent.slice(1)).toEqual(["Bearer t1", "Bearer t1"]);
  });
});

describe("a 401 to a token we sent", () => {
  it("invalid_token: one new token, the request sent again, and its answer returned", async () => {
    const f = fakes({ expires_in: 300 });
    await f.tokens.send(PUSH_A, f.attempt);
    f.valid.delete("t1"); // revoked, or expired early by the registry's clock
    const response = await f.tokens.send(PUSH_A, f.attempt);
    expect(response.status).toBe(200);
    expect(f.sent.slice(1)).toEqual(["Bearer t1", "Bearer t1", "Bearer t2"]);
    expect(f.tokenRequests).toHaveLength(2);
  });

  it("a second 401 is returned as it is: two sends and one new token, no loop", async () => {
    const f = fakes({ expires_in: 300 });
    await f.tokens.send(PUSH_A, f.attempt);
    const refused: Array<string | undefined> = [];
    const refuse = async (authorization: string | undefined) => (
      refused.push(authorization),
      challenge(',error="invalid_token"')
    );
    const response = await f.tokens.send(PUSH_A, refuse);
    expect(response.status).toBe(401);
    expect(refused).toEqual(["Bearer t1", "Bearer t2"]);
    expect(f.tokenRequests).toHaveLength(2);
  });

  it("uploads refused at once wait for one new token between them", async () => {
    const f = fakes({ expires_in: 300 });
    await f.tokens.send(PUSH_A, f.attempt);
    f.valid.delete("t1");
    const answers = await Promise.all([1, 2, 3].map(() => f.tokens.send(PUSH_A, f.attempt)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(f.tokenRequests).toHaveLength(2);
  });

  it("a 401 that is not a bearer challenge is returned as it is", async () => {
    const f = fakes();
    await f.tokens.send(PUSH_A, f.attempt);
    const response = await f.tokens.send(PUSH_A, async () => reply(401));
    expect(response.status).toBe(401);
    expect(f.tokenRequests).toHaveLength(1);
  });
});
