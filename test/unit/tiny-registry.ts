/**
 * Just enough of a registry for unit tests. `RegistryStore` holds manifests
 * (`GET /v2/<name>/manifests/<tag>`, with a Docker-Content-Digest header)
 * and answers the registry API; the fake shell's pushes write into it, so a
 * test can drive up-to-date, pushed and VERIFY_FAILED. The store is served
 * in memory (harness.ts) or over plain HTTP on 127.0.0.1 by
 * `startTinyRegistry`, which adds Basic or Bearer (token flow) auth.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fakeDigest } from "./fake-shell.ts";

/** One request as the store saw it. */
export interface StoredRequest {
  readonly method: string;
  /** Path and query, e.g. `/v2/p/apim-le-cache/manifests/v6.0.0`. */
  readonly path: string;
  /** "" for none. */
  readonly authorization: string;
  readonly body: string;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** Extra API a test stands in for (Harbor's projects); undefined passes the request on. */
export type Route = (request: StoredRequest) => Reply | undefined;

export interface PutOptions {
  /** Manifest digest to report; default: what the fake shell prints for the reference. */
  readonly digest?: string;
  /** Send Docker-Content-Digest (default true); without it the client hashes the body. */
  readonly digestHeader?: boolean;
}

interface StoredManifest {
  readonly body: string;
  readonly digest?: string;
}

const MANIFEST_PATH = /^\/v2\/(.+)\/manifests\/([^/?]+)$/;

export class RegistryStore {
  readonly requests: StoredRequest[] = [];
  private readonly manifests = new Map<string, StoredManifest>();
  private readonly routes: Route[] = [];

  /** Stores a manifest naming config `configDigest` under `host/name:tag` (the host is ignored). */
  put(reference: string, configDigest: string, { digest = fakeDigest(reference), digestHeader = true }: PutOptions = {}): void {
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest, size: 2 },
      layers: [],
    });
    this.manifests.set(nameAndTag(reference), { body, digest: digestHeader ? digest : undefined });
  }

  /** The raw manifest body stored for a reference. */
  bodyOf(reference: string): string | undefined {
    return this.manifests.get(nameAndTag(reference))?.body;
  }

  route(route: Route): void {
    this.routes.push(route);
  }

  /** Paths of the requests made with `method`, in order. */
  paths(method = "GET"): string[] {
    return this.requests.filter((r) => r.method === method).map((r) => r.path);
  }

  answer(request: StoredRequest): Reply {
    this.requests.push(request);
    for (const route of this.routes) {
      const reply = route(request);
      if (reply) return reply;
    }
    if (request.path === "/v2/") return { status: 200, headers: { "Content-Type": "application/json" }, body: "{}" };
    const match = MANIFEST_PATH.exec(request.path);
    const manifest =
      match && (request.method === "GET" || request.method === "HEAD")
        ? this.manifests.get(`${match[1]}:${decodeURIComponent(match[2] ?? "")}`)
        : undefined;
    if (!manifest)
      return { status: 404, headers: { "Content-Type": "application/json" }, body: '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}' };
    const headers: Record<string, string> = { "Content-Type": "application/vnd.oci.image.manifest.v1+json" };
    if (manifest.digest) headers["Docker-Content-Digest"] = manifest.digest;
    return { status: 200, headers, body: manifest.body };
  }
}

/** The sha256 digest of a text, as a registry computes a manifest's. */
export function sha256(text: string): string {
  return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

function nameAndTag(reference: string): string {
  return reference.slice(reference.indexOf("/") + 1);
}

export interface TinyRegistryOptions {
  /** Status of `GET /v2/` for everyone (ignored when `user` is set). */
  readonly status?: number;
  /** Require these credentials, as Basic auth or through the token flow. */
  readonly user?: { readonly name: string; readonly password: string };
  /** "bearer": distribution's token flow with a token server at /token. Default "basic". */
  readonly auth?: "basic" | "bearer";
  readonly store?: RegistryStore;
}

export interface TinyRegistry {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** `Authorization` headers received on `GET /v2/`, in order ("" for none). */
  readonly authorizations: string[];
  /** Scopes asked of the token server, in order ("" for none). */
  readonly tokenScopes: string[];
  readonly store: RegistryStore;
  close(): Promise<void>;
}

export async function startTinyRegistry({
  status = 200,
  user,
  auth = "basic",
  store = new RegistryStore(),
}: TinyRegistryOptions = {}): Promise<TinyRegistry> {
  const authorizations: string[] = [];
  const tokenScopes: string[] = [];
  let host = "";
  const basic = user ? `Basic ${Buffer.from(`${user.name}:${user.password}`).toString("base64")}` : "";
  const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
    status: statusCode,
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

  const handle = (request: StoredRequest): Reply => {
    const url = new URL(request.path, "http://x");
    if (url.pathname === "/v2/") authorizations.push(request.authorization);
    if (auth === "bearer" && url.pathname === "/token") {
      const scope = url.searchParams.get("scope") ?? "";
      tokenScopes.push(scope);
      return request.authorization === basic
        ? json(200, { token: `token-for-${scope}` })
        : json(401, { errors: [{ code: "UNAUTHORIZED" }] });
    }
    if (!user) return url.pathname === "/v2/" ? json(status, {}) : store.answer(request);
    if (auth === "basic") {
      if (request.authorization === basic) return store.answer(request);
      return json(401, { errors: [{ code: "UNAUTHORIZED" }] }, { "WWW-Authenticate": 'Basic realm="Registry Realm"' });
    }
    // Bearer: /v2/ takes any token we issued; a repository needs a token for its own pull scope.
    const name = MANIFEST_PATH.exec(url.pathname)?.[1];
    const scope = name === undefined ? undefined : `repository:${name}:pull`;
    const token = /^Bearer token-for-(.*)$/.exec(request.authorization)?.[1];
    if (token !== undefined && (scope === undefined || token === scope)) return store.answer(request);
    const challenge = `Bearer realm="http://${host}/token",service="tiny-registry"${scope ? `,scope="${scope}"` : ""}`;
    return json(401, { errors: [{ code: "UNAUTHORIZED" }] }, { "WWW-Authenticate": challenge });
  };

  const server: Server = createServer(async (req, res) => {
    const reply = handle({
      method: req.method ?? "GET",
      path: req.url ?? "/",
      authorization: req.headers.authorization ?? "",
      body: await readBody(req),
    });
    res.writeHead(reply.status, reply.headers).end(req.method === "HEAD" ? undefined : reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  host = `127.0.0.1:${port}`;
  return {
    host,
    authorizations,
    tokenScopes,
    store,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of req) body += String(chunk);
  return body;
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
