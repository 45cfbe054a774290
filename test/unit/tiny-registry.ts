/**
 * Just enough of a registry for the preflight probe: `GET /v2/` over plain
 * HTTP on 127.0.0.1, answering 200, a status of the test's choice, or a
 * Basic challenge that only the right user and password pass.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TinyRegistryOptions {
  /** Status of `GET /v2/` for everyone (ignored when `user` is set). */
  readonly status?: number;
  /** Require Basic auth with these credentials. */
  readonly user?: { readonly name: string; readonly password: string };
}

export interface TinyRegistry {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** `Authorization` headers received, in order ("" for none). */
  readonly authorizations: string[];
  close(): Promise<void>;
}

export async function startTinyRegistry({ status = 200, user }: TinyRegistryOptions = {}): Promise<TinyRegistry> {
  const authorizations: string[] = [];
  const server: Server = createServer((req, res) => {
    if (req.url !== "/v2/") return void res.writeHead(404).end();
    const authorization = req.headers.authorization ?? "";
    authorizations.push(authorization);
    if (user) {
      const expected = `Basic ${Buffer.from(`${user.name}:${user.password}`).toString("base64")}`;
      if (authorization === expected) return void res.writeHead(200, { "Content-Type": "application/json" }).end("{}");
      return void res.writeHead(401, { "WWW-Authenticate": 'Basic realm="Registry Realm"' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    }
    res.writeHead(status, { "Content-Type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    authorizations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
