/**
 * A streamed upload (RegistryConnection.stream) refused for its token over
 * real HTTP: the registry answers 401 invalid_token before reading the
 * body, as distribution does for an expired token; the connection gets a
 * new token and sends the body again from its start, opened afresh.
 */
import { rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterEach, expect, it } from "vitest";
import type { RegistryConnection } from "../../src/registry/connection.ts";
import { setUp } from "./harness.ts";
import { storedLoginHome } from "./stored-login-home.ts";

const USER = { name: "robot$apim+ci", password: "s3cret" };
const BODY = Buffer.alloc(256 * 1024, 7);
const SCOPE = "repository:p/a:pull,push";

let server: Server | undefined;
let home: string | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  if (home) rmSync(home, { recursive: true, force: true });
});

/** A registry whose token server issues t1, t2, ...; `refuse` decides which upload tokens get 401 invalid_token. */
async function tokenRegistry(refuse: (token: string) => boolean) {
  let issued = 0;
  const uploads: Array<{ token: string; status: number; bytes: number }> = [];
  const challenge = (res: ServerResponse, host: string, error = "") => {
    const extra = error ? `,error="${error}"` : "";
    res.writeHead(401, { "WWW-Authenticate": `Bearer realm="http://${host}/token",service="unit"${extra}` }).end();
  };
  server = createServer((req: IncomingMessage, res) => {
    const host = req.headers.host ?? "";
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (req.url?.startsWith("/token")) {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ token: `t${++issued}`, expires_in: 300 }));
    } else if (!token) {
      challenge(res, host);
    } else if (req.url === "/v2/") {
      res.writeHead(200).end("{}");
    } else if (refuse(token)) {
      // Before the body is read, as distribution's auth check does.
      uploads.push({ token, status: 401, bytes: 0 });
      challenge(res, host, "invalid_token");
    } else {
      let bytes = 0;
      req
        .on("data", (chunk: Buffer) => (bytes += chunk.length))
        .on("end", () => {
          uploads.push({ token, status: 201, bytes });
          res.writeHead(201).end();
        });
    }
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, uploads };
}

/** A PUT of the test body to /upload, with the scope's token. */
function upload(connection: RegistryConnection, body: () => Readable) {
  return connection.stream("/upload", { method: "PUT", headers: {}, body, size: BODY.length, idleMs: 5_000, scope: SCOPE });
}

async function connect(host: string) {
  const stored = storedLoginHome(host, USER);
  home = stored.home;
  const env = stored.env;
  const flags = { registry: `${host}/p`, containerTool: "podman" as const, image: ["apim-le-cache"], noTlsVerify: true };
  const connection = await setUp({ flags, env, probeRegistry: true }).runner.registry();
  // The scope's token, t2 (t1 was preflight's), as the upload's HEAD and POST would get it.
  expect((await connection.request("/v2/", { scope: SCOPE })).status).toBe(200);
  return connection;
}

it("a 401 invalid_token to an upload: a new token and the body sent again, opened afresh", async () => {
  const registry = await tokenRegistry((token) => token === "t2");
  const connection = await connect(registry.host);
  let opened = 0;
  const response = await upload(connection, () => (opened++, Readable.from([BODY])));
  expect(response.status).toBe(201);
  expect(registry.uploads).toEqual([
    { token: "t2", status: 401, bytes: 0 },
    { token: "t3", status: 201, bytes: BODY.length },
  ]);
  expect(opened).toBe(2);
});

it("an upload refused again is answered with that 401: no third send", async () => {
  const registry = await tokenRegistry(() => true);
  const connection = await connect(registry.host);
  const response = await upload(connection, () => Readable.from([BODY]));
  expect(response.status).toBe(401);
  expect(registry.uploads.map((u) => u.token)).toEqual(["t2", "t3"]);
});
