/**
 * Redirects and upload hosts through a real RegistryConnection over HTTP:
 * a registry on 127.0.0.1 with a Basic login, and another host on
 * 127.0.0.2 (blob storage, an upload service) that records what it was
 * sent. GET and HEAD follow 301/302/303/307/308 to any host, at most 10
 * hops; the registry's login goes only to the registry; an upload URL on
 * the other host gets the body and no login.
 */
import { rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import type { RegistryConnection } from "../../src/registry/connection.ts";
import { MAX_REDIRECTS } from "../../src/registry/redirects.ts";
import { setUp } from "./harness.ts";
import { storedLoginHome } from "./stored-login-home.ts";

const USER = { name: "robot$apim+ci", password: "s3cret" };
const BASIC = `Basic ${Buffer.from(`${USER.name}:${USER.password}`).toString("base64")}`;

interface Seen {
  readonly at: "registry" | "other";
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  readonly bytes: number;
}

const servers: Server[] = [];
let home: string | undefined;
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  if (home) rmSync(home, { recursive: true, force: true });
});

type Route = (req: IncomingMessage, res: ServerResponse, other: string) => void;

/** The registry (login required) and the other host, each answering with `route` and recording every request. */
async function hosts(registryRoute: Route, otherRoute: Route) {
  const seen: Seen[] = [];
  const urls = { registry: "", other: "" };
  const serve = (at: Seen["at"], ip: string, route: Route) => {
    const server = createServer((req, res) => {
      let bytes = 0;
      req.on("data", (chunk: Buffer) => (bytes += chunk.length));
      req.on("end", () => {
        const { authorization } = req.headers;
        seen.push({ at, method: req.method ?? "", path: req.url ?? "", ...(authorization ? { authorization } : {}), bytes });
        if (at === "registry" && authorization !== BASIC) {
          res.writeHead(401, { "WWW-Authenticate": 'Basic realm="unit"' }).end();
          return;
        }
        // Preflight's probe.
        if (at === "registry" && req.url === "/v2/") {
          res.writeHead(200).end("{}");
          return;
        }
        route(req, res, urls.other);
      });
    });
    servers.push(server);
    return new Promise<string>((resolve) =>
      server.listen(0, ip, () => resolve(`http://${ip}:${(server.address() as AddressInfo).port}`)),
    );
  };
  urls.registry = await serve("registry", "127.0.0.1", registryRoute);
  urls.other = await serve("other", "127.0.0.2", otherRoute);
  return { seen, registryHost: new URL(urls.registry).host, otherUrl: urls.other };
}

async function connect(host: string): Promise<RegistryConnection> {
  const stored = storedLoginHome(host, USER);
  home = stored.home;
  const flags = { registry: `${host}/p`, containerTool: "podman" as const, image: ["apim-le-cache"], noTlsVerify: true };
  return setUp({ flags, env: stored.env, probeRegistry: true }).runner.registry();
}

const BLOB = "/v2/p/a/blobs/sha256:abc";

describe("GET and HEAD follow redirects", () => {
  it.each([301, 302, 303, 307, 308])(
    "%i to another host: followed without the login; the answer is the other host's",
    async (status) => {
      const { seen, registryHost, otherUrl } = await hosts(
        (req, res, other) => res.writeHead(req.url === BLOB ? status : 200, { Location: `${other}/store/abc?sig=1` }).end(),
        (_req, res) => res.writeHead(200, { "Content-Length": "4" }).end("blob"),
      );
      const connection = await connect(registryHost);
      for (const method of ["GET", "HEAD"] as const) {
        const answer = await connection.request(BLOB, { method });
        expect([answer.status, answer.body]).toEqual([200, method === "GET" ? "blob" : ""]);
      }
      const atOther = seen.filter((s) => s.at === "other");
      expect(atOther.map((s) => `${s.method} ${s.path}`)).toEqual(["GET /store/abc?sig=1", "HEAD /store/abc?sig=1"]);
      expect(
        atOther.filter((s) => s.authorization),
        "credentials at the other host",
      ).toEqual([]);
      expect(new URL(otherUrl).hostname).toBe("127.0.0.2");
    },
  );

  it("a hop back to the registry gets the login again", async () => {
    const { seen, registryHost } = await hosts(
      (req, res, other) =>
        req.url === BLOB
          ? res.writeHead(307, { Location: `${other}/bounce` }).end()
          : res.writeHead(200, { "Content-Length": "4" }).end("home"),
      (_req, res) => res.writeHead(302, { Location: `http://${registryHost}/v2/p/a/blobs/final` }).end(),
    );
    const connection = await connect(registryHost);
    const answer = await connection.request(BLOB, { method: "GET" });
    expect([answer.status, answer.body]).toEqual([200, "home"]);
    const final = seen.filter((s) => s.path === "/v2/p/a/blobs/final");
    expect(final.at(-1)?.authorization).toBe(BASIC);
    expect(seen.filter((s) => s.at === "other" && s.authorization)).toEqual([]);
  });

  it(`stops after ${MAX_REDIRECTS} hops: the last redirect is the answer`, async () => {
    const { seen, registryHost } = await hosts(
      (_req, res, other) => res.writeHead(307, { Location: `${other}/0` }).end(),
      (req, res) => res.writeHead(307, { Location: `/${Number(req.url?.slice(1)) + 1}` }).end(),
    );
    const connection = await connect(registryHost);
    expect((await connection.request(BLOB, { method: "GET" })).status).toBe(307);
    expect(seen.filter((s) => s.at === "other")).toHaveLength(MAX_REDIRECTS);
  });

  it("a POST is not followed: its redirect is the answer", async () => {
    const { seen, registryHost } = await hosts(
      (_req, res, other) => res.writeHead(307, { Location: `${other}/elsewhere` }).end(),
      (_req, res) => res.writeHead(202).end(),
    );
    const connection = await connect(registryHost);
    expect((await connection.request("/v2/p/a/blobs/uploads/", { method: "POST" })).status).toBe(307);
    expect(seen.filter((s) => s.at === "other")).toEqual([]);
  });
});

describe("requests to another host", () => {
  it("an upload URL on another host gets the body and no login; the registry's own upload path gets the login", async () => {
    const { seen, registryHost, otherUrl } = await hosts(
      (_req, res) => res.writeHead(201).end(),
      (_req, res) => res.writeHead(201).end(),
    );
    const connection = await connect(registryHost);
    const body = () => Readable.from([Buffer.alloc(1000, 1)]);
    const put = { method: "PUT", headers: {}, body, size: 1000, idleMs: 5000, scope: "repository:p/a:pull,push" } as const;
    expect((await connection.stream(`${otherUrl}/upload/1?digest=sha256:abc`, put)).status).toBe(201);
    expect((await connection.stream("/v2/p/a/blobs/uploads/2?digest=sha256:abc", put)).status).toBe(201);
    expect(seen.filter((s) => s.method === "PUT")).toEqual([
      { at: "other", method: "PUT", path: "/upload/1?digest=sha256:abc", bytes: 1000 },
      { at: "registry", method: "PUT", path: "/v2/p/a/blobs/uploads/2?digest=sha256:abc", authorization: BASIC, bytes: 1000 },
    ]);
  });

  it("a GET of an absolute URL on another host (an upload's status) goes without the login, even one the caller put in", async () => {
    const { seen, registryHost, otherUrl } = await hosts(
      (_req, res) => res.writeHead(204).end(),
      (_req, res) => res.writeHead(204, { Range: "0-9" }).end(),
    );
    const connection = await connect(registryHost);
    const answer = await connection.request(`${otherUrl}/upload/1`, { headers: { Authorization: BASIC } });
    expect([answer.status, answer.headers.range]).toEqual([204, "0-9"]);
    expect(seen.filter((s) => s.at === "other")).toEqual([{ at: "other", method: "GET", path: "/upload/1", bytes: 0 }]);
  });
});
