/**
 * A forward HTTP proxy on loopback, as a company network has one: CONNECT
 * tunnels for https targets, absolute-form requests (`GET http://host/...`)
 * for http ones. It resolves host names from the map the test gives
 * (`registry.pib.test:5000` -> `127.0.0.1:<port>`), so a name only it knows
 * proves a request went through it; any other name gets 502, as a proxy
 * whose DNS does not know it answers. With `credentials` it wants
 * Proxy-Authorization (407 otherwise). Every request is logged.
 */
import http from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";

export interface ProxyLogEntry {
  /** `CONNECT`, or the method of a forwarded request. */
  method: string;
  /** The CONNECT authority (`host:port`), or the absolute URL asked for. */
  target: string;
  /** What the proxy answered: 200 for an open tunnel, the upstream's status, or its own 407/502. */
  status: number;
  userAgent: string;
}

export interface ForwardProxy {
  /** `http://127.0.0.1:<port>` */
  url: string;
  log: () => readonly ProxyLogEntry[];
  close: () => Promise<void>;
}

export interface ForwardProxyOptions {
  /** Names the proxy resolves: `host:port` -> `address:port`. */
  hosts: Record<string, string>;
  credentials?: { username: string; password: string };
}

export async function startForwardProxy({ hosts, credentials }: ForwardProxyOptions): Promise<ForwardProxy> {
  const log: ProxyLogEntry[] = [];
  const sockets = new Set<Socket>();
  const expected = credentials && `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
  const allowed = (req: http.IncomingMessage) => !expected || req.headers["proxy-authorization"] === expected;
  const record = (req: http.IncomingMessage, target: string, status: number) =>
    log.push({ method: req.method ?? "", target, status, userAgent: req.headers["user-agent"] ?? "" });

  const server = http.createServer((req, res) => {
    const target = req.url ?? "";
    if (!/^http:\/\//.test(target)) {
      record(req, target, 400);
      return answer(res, 400, "a proxy takes absolute-form requests");
    }
    const url = new URL(target);
    const upstream = hosts[`${url.hostname}:${url.port || "80"}`];
    if (!allowed(req)) {
      record(req, target, 407);
      return answer(res, 407, "proxy credentials wanted", { "proxy-authenticate": 'Basic realm="forward-proxy"' });
    }
    if (!upstream) {
      record(req, target, 502);
      return answer(res, 502, `cannot resolve ${url.hostname}`);
    }
    const [address, port] = splitAuthority(upstream);
    const headers = { ...req.headers };
    delete headers["proxy-authorization"];
    delete headers["proxy-connection"];
    const forward = http.request(
      { host: address, port, method: req.method, path: `${url.pathname}${url.search}`, headers },
      (upstreamRes) => {
        record(req, target, upstreamRes.statusCode ?? 0);
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });

  server.on("connect", (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    const authority = req.url ?? "";
    sockets.add(client);
    client.on("close", () => sockets.delete(client)).on("error", () => client.destroy());
    const refuse = (status: number, reason: string, extra = "") => {
      record(req, authority, status);
      client.end(`HTTP/1.1 ${status} ${reason}\r\n${extra}Content-Length: 0\r\n\r\n`);
    };
    if (!allowed(req)) return refuse(407, "Proxy Authentication Required", 'Proxy-Authenticate: Basic realm="forward-proxy"\r\n');
    const upstream = hosts[authority];
    if (!upstream) return refuse(502, "Bad Gateway");
    const [address, port] = splitAuthority(upstream);
    const tunnel = connect(port, address, () => {
      record(req, authority, 200);
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      tunnel.write(head);
      tunnel.pipe(client).pipe(tunnel);
    });
    sockets.add(tunnel);
    tunnel.on("close", () => sockets.delete(tunnel)).on("error", () => client.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log: () => [...log],
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(res: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { "content-type": "text/plain", ...headers }).end(text);
}

function splitAuthority(authority: string): [string, number] {
  const colon = authority.lastIndexOf(":");
  return [authority.slice(0, colon), Number(authority.slice(colon + 1))];
}
