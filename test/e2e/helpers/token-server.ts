/**
 * A token server for distribution's `auth: token`, in the test's process:
 * it checks basic credentials (one user the test chooses; anonymous gets
 * pull at most, a wrong password a 401), grants what each `scope` asks for
 * and issues an ES256 JWT whose `x5c` header carries the signing
 * certificate (distribution 2.8 also takes a libtrust `kid`; x5c needs no
 * key-id arithmetic). Tokens live `lifetimeS` seconds, and every token
 * request is logged, so a test can see that tokens were renewed.
 */
import { createPrivateKey, randomBytes, sign, X509Certificate, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * distribution 2.8 accepts a token until 60 s after its `exp` (and from 60 s
 * before its `nbf`). Measured with docker-registry 2.8.2 here: `exp` 59 s
 * in the past is accepted, 61 s refused with 401 `error="invalid_token"`.
 */
const REGISTRY_LEEWAY_S = 60;

export interface TokenServerOptions {
  service: string;
  issuer: string;
  /** Seconds the registry accepts a token for, and the `expires_in` the server answers. */
  lifetimeS: number;
  user: { username: string; password: string };
  /** The user gets pull only, as anonymous does: /v2/ lets it in, and every push is refused with 401. */
  pullOnly?: boolean;
  /** PEM files of the signing key and its certificate (the registry's rootcertbundle). */
  keyFile: string;
  certFile: string;
}

export interface Access {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenRequest {
  /** ms since the epoch. */
  at: number;
  /** The authenticated user; undefined for anonymous. */
  account?: string;
  /** The `scope` parameters, one entry each. */
  scopes: string[];
  status: number;
  granted: Access[];
  userAgent: string;
}

export interface TokenServer {
  /** The `realm` for the registry's config. */
  realm: string;
  requests: () => readonly TokenRequest[];
  close: () => Promise<void>;
}

const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const key = createPrivateKey(readFileSync(options.keyFile));
  const certificate = new X509Certificate(readFileSync(options.certFile)).raw.toString("base64");
  const requests: TokenRequest[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://token-server");
    const scopes = url.searchParams.getAll("scope");
    const log = (status: number, account?: string, granted: Access[] = []) =>
      requests.push({ at: Date.now(), account, scopes, status, granted, userAgent: req.headers["user-agent"] ?? "" });
    const login = basicLogin(req.headers.authorization);
    const { user } = options;
    if (url.pathname !== "/token") return void res.writeHead(404).end();
    if (login && (login.username !== user.username || login.password !== user.password)) {
      log(401, login.username);
      return void res.writeHead(401, { "Content-Type": "application/json" }).end('{"details":"wrong user name or password"}');
    }
    const mayPush = login !== undefined && options.pullOnly !== true;
    const granted = scopes.map((scope) => grant(scope, mayPush)).filter((access) => access.actions.length > 0);
    log(200, login?.username, granted);
    const issuedAt = Date.now();
    const claims = {
      iss: options.issuer,
      sub: login?.username ?? "",
      aud: options.service,
      iat: Math.floor(issuedAt / 1000),
      nbf: Math.floor(issuedAt / 1000),
      // Early by the registry's leeway: the registry refuses the token lifetimeS after it was
      // issued, or up to a second later (claims are whole seconds), never sooner.
      exp: Math.ceil(issuedAt / 1000) + options.lifetimeS - REGISTRY_LEEWAY_S,
      jti: randomBytes(8).toString("hex"),
      access: granted,
    };
    const token = jwt(claims, key, certificate);
    const body = { token, access_token: token, expires_in: options.lifetimeS, issued_at: new Date(issuedAt).toISOString() };
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    requests: () => [...requests],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What one scope entry (`repository:<name>:<actions>`) gets: pull and push for the user who may push, pull for the rest. */
function grant(scope: string, mayPush: boolean): Access {
  const [type = "", ...rest] = scope.split(":");
  const actions = rest.pop()?.split(",") ?? [];
  const name = rest.join(":");
  if (type === "registry" && name === "catalog") return { type, name, actions: mayPush ? actions.filter((a) => a === "*") : [] };
  if (type !== "repository" || !REPOSITORY_NAME.test(name)) return { type, name, actions: [] };
  const allowed = mayPush ? ["pull", "push"] : ["pull"];
  return { type, name, actions: actions.filter((action) => allowed.includes(action)) };
}

function basicLogin(header: string | undefined): { username: string; password: string } | undefined {
  const encoded = /^Basic (.+)$/i.exec(header ?? "")?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function jwt(claims: object, key: KeyObject, certificate: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signed = `${part({ typ: "JWT", alg: "ES256", x5c: [certificate] })}.${part(claims)}`;
  // JWS wants ES256 signatures as r || s, not DER.
  const signature = sign("sha256", Buffer.from(signed), { key, dsaEncoding: "ieee-p1363" });
  return `${signed}.${signature.toString("base64url")}`;
}
