/**
 * A stand-in for Harbor: no Harbor can run here (it needs its own
 * containers, database and network), so the tests talk to this small
 * server instead. It answers the part of Harbor's documented API that
 * push-images uses (systeminfo, and HEAD/GET/POST /api/v2.0/projects), with
 * basic auth, and proxies the registry API (/v2/) to a real bed registry
 * so that pushes through it really land. Like Harbor, it refuses /v2/
 * requests for a project that does not exist.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { BedRegistry } from "./bed.ts";

export interface StandInRequest {
  method: string;
  /** Path with the query string. */
  url: string;
  /** The basic-auth user and password it came with, if any. */
  user?: string;
  password?: string;
  body: string;
}

export interface HarborProject {
  name: string;
  public: boolean;
}

export interface HarborStandIn {
  /** `127.0.0.1:<port>`, the value for -r before the project. */
  host: string;
  url: string;
  /** Every project API request received, in order (systeminfo and /v2/ are not kept). */
  apiRequests: StandInRequest[];
  /** Paths of every /v2/ request received. */
  registryPaths: string[];
  projects: Map<string, HarborProject>;
  close: () => Promise<void>;
}

export interface StandInOptions {
  /** The only account it accepts. */
  account: { username: string; password: string };
  /** Where /v2/ is proxied to: a bed registry without auth. */
  upstream: BedRegistry;
  /** Projects that exist from the start. */
  projects?: readonly string[];
}

export async function startHarborStandIn(opts: StandInOptions): Promise<HarborStandIn> {
  const apiRequests: StandInRequest[] = [];
  const registryPaths: string[] = [];
  const projects = new Map((opts.projects ?? []).map((name) => [name, { name, public: false }]));
  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    const login = basicLogin(req.headers.authorization);
    const authorized = login?.user === opts.account.username && login.password === opts.account.password;
    if (url === "/api/v2.0/systeminfo") return json(res, 200, SYSTEM_INFO);
    if (url.startsWith("/v2/")) {
      registryPaths.push(url);
      if (!authorized) return challenge(res);
      const project = /^\/v2\/([^/]+)\//.exec(url)?.[1];
      if (project !== undefined && !projects.has(project)) {
        return json(res, 404, { errors: [{ code: "NAME_UNKNOWN", message: `project ${project} not found` }] });
      }
      return proxy(req, res, opts.upstream);
    }
    readBody(req).then(
      (body) => {
        apiRequests.push({ method: req.method ?? "", url, user: login?.user, password: login?.password, body });
        if (!authorized) return json(res, 401, { errors: [{ code: "UNAUTHORIZED", message: "unauthorized" }] });
        projectApi(req.method ?? "", new URL(url, "http://stand-in"), body, projects, res);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    url: `http://${host}`,
    apiRequests,
    registryPaths,
    projects,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// What Harbor 2.x tells anonymous callers; push-images detects Harbor by auth_mode.
const SYSTEM_INFO = {
  auth_mode: "db_auth",
  primary_auth_mode: false,
  self_registration: false,
  harbor_version: "v2.11.0-stand-in",
};

/** HEAD, GET and POST /api/v2.0/projects, as Harbor documents them. */
function projectApi(
  method: string,
  url: URL,
  body: string,
  projects: Map<string, HarborProject>,
  res: http.ServerResponse,
): void {
  if (url.pathname !== "/api/v2.0/projects")
    return json(res, 404, { errors: [{ code: "NOT_FOUND", message: `${url.pathname} is not served by the stand-in` }] });
  if (method === "HEAD") {
    res.writeHead(projects.has(url.searchParams.get("project_name") ?? "") ? 200 : 404).end();
    return;
  }
  if (method === "GET") {
    const name = url.searchParams.get("name");
    const listed = [...projects.values()].filter((p) => name === null || p.name.includes(name));
    return json(
      res,
      200,
      listed.map((p, i) => ({ project_id: i + 1, name: p.name, metadata: { public: String(p.public) } })),
    );
  }
  if (method === "POST") {
    const request = parse(body) as { project_name?: unknown; metadata?: { public?: unknown } } | undefined;
    if (typeof request?.project_name !== "string")
      return json(res, 400, { errors: [{ code: "BAD_REQUEST", message: "project_name is required" }] });
    if (projects.has(request.project_name))
      return json(res, 409, { errors: [{ code: "CONFLICT", message: "project already exists" }] });
    projects.set(request.project_name, { name: request.project_name, public: request.metadata?.public === "true" });
    res.writeHead(201, { location: `/api/v2.0/projects/${projects.size}` }).end();
    return;
  }
  json(res, 405, { errors: [{ code: "METHOD_NOT_ALLOWED", message: method }] });
}

/**
 * Forwards one registry request to the upstream registry. The Host header
 * is kept, so the upload URLs the registry hands out point back here.
 */
function proxy(req: http.IncomingMessage, res: http.ServerResponse, upstream: BedRegistry): void {
  const { authorization: _dropped, ...headers } = req.headers;
  const target = new URL(req.url ?? "/", upstream.url);
  const forward = http.request(target, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  forward.on("error", () =>
    res.headersSent ? res.destroy() : json(res, 502, { errors: [{ code: "UNAVAILABLE", message: "upstream failed" }] }),
  );
  req.pipe(forward);
}

function challenge(res: http.ServerResponse): void {
  res.writeHead(401, { "www-authenticate": 'Basic realm="harbor stand-in"', "content-type": "application/json" });
  res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }));
}

function basicLogin(header: string | undefined): { user: string; password: string } | undefined {
  const encoded = /^Basic\s+(\S+)$/i.exec(header ?? "")?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8").on("data", (d: string) => (body += d));
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
