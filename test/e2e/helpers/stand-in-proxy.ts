/**
 * A stand-in for a misbehaving registry: an HTTP proxy on loopback in front
 * of a bed registry that answers the requests a rule picks itself (503,
 * 401, ...) and forwards the rest untouched. A stand-in because a real
 * distribution registry cannot be made to fail on cue. It keeps the Host
 * header, so the upload URLs the registry hands out point back at it.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { BedRegistry } from "./bed.ts";
import type { ThrottledLink } from "./throttled-link.ts";

export interface ProxiedRequest {
  method: string;
  path: string;
  /** The status the client got (the proxy's own answer or the registry's); 0 when the proxy cut the connection. */
  status: number;
  /** True when the proxy answered instead of the registry. */
  answeredByProxy: boolean;
}

/**
 * Returns a status to answer with, `'cut'` to drop the connection once the
 * request's body has started to arrive (an upload cut mid-stream), `'hold'`
 * to take the request whole and never answer (a stalled registry, the
 * connection left open), or undefined to forward. `earlier`: the requests
 * seen before this one.
 */
export type ProxyRule = (
  req: { method: string; path: string },
  earlier: readonly ProxiedRequest[],
) => number | "cut" | "hold" | undefined;

export interface StandInProxy {
  /** The proxy as a registry: point -r at `registry.host`. */
  registry: BedRegistry;
  requests: () => readonly ProxiedRequest[];
  close: () => Promise<void>;
}

/** A manifest PUT: the last request of a push, whose failure fails the push. */
export const isManifestPut = (req: { method: string; path: string }): boolean =>
  req.method === "PUT" && /^\/v2\/.+\/manifests\/[^/]+$/.test(req.path.split("?")[0] ?? "");

/** A request that carries a layer or config blob: the PATCH (or monolithic PUT) of an upload. */
export const isBlobUpload = (req: { method: string; path: string }): boolean =>
  (req.method === "PATCH" || req.method === "PUT") && /^\/v2\/.+\/blobs\/uploads\//.test(req.path);

/** Cuts blob uploads mid-stream while `cutting()` holds, forwards everything else. */
export function cutBlobUploadsWhile(cutting: () => boolean): ProxyRule {
  return (req) => (isBlobUpload(req) && cutting() ? "cut" : undefined);
}

/** Answers `status` to the first `times` manifest PUTs, forwards everything else. */
export function failManifestPuts(status: number, times = Infinity): ProxyRule {
  return (req, earlier) => (isManifestPut(req) && earlier.filter(isManifestPut).length < times ? status : undefined);
}

export interface StandInOptions {
  /** The link request bodies cross on their way upstream (slow, counted, held on cue); none by default. */
  link?: ThrottledLink;
}

export async function startStandInProxy(
  upstream: BedRegistry,
  rule: ProxyRule,
  { link }: StandInOptions = {},
): Promise<StandInProxy> {
  const target = new URL(upstream.url);
  if (target.protocol !== "http:") throw new Error("the stand-in proxy fronts plain HTTP registries only");
  const seen: ProxiedRequest[] = [];
  const server = http.createServer((req, res) => {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const status = rule({ method, path }, seen);
    if (status === "hold") {
      seen.push({ method, path, status: 0, answeredByProxy: true });
      req.resume();
      return;
    }
    if (status === "cut") {
      seen.push({ method, path, status: 0, answeredByProxy: true });
      const cut = () => req.socket.destroy();
      req.once("data", cut).once("end", cut);
      return;
    }
    if (status !== undefined) {
      seen.push({ method, path, status, answeredByProxy: true });
      // Drain the body first: a client still sending it may not read the answer.
      req.resume().on("end", () => answer(res, status));
      return;
    }
    const forward = http.request(
      { host: target.hostname, port: target.port, method, path, headers: req.headers },
      (upstreamRes) => {
        seen.push({ method, path, status: upstreamRes.statusCode ?? 0, answeredByProxy: false });
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    // A client that hangs up mid-body cuts the registry's request too, as a broken link would.
    req.on("close", () => {
      if (!req.complete) forward.destroy();
    });
    req.on("error", () => forward.destroy());
    (link ? req.pipe(link.body()) : req).pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    registry: { host, url: `http://${host}` },
    requests: () => [...seen],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Bodies in the registry's error format, as a real registry (or the load balancer before it) sends them. */
function answer(res: http.ServerResponse, status: number): void {
  const [code, message] = status === 401 ? ["UNAUTHORIZED", "authentication required"] : ["UNAVAILABLE", "service unavailable"];
  const headers: http.OutgoingHttpHeaders = { "content-type": "application/json" };
  if (status === 401) headers["www-authenticate"] = 'Basic realm="stand-in"';
  res.writeHead(status, headers);
  res.end(JSON.stringify({ errors: [{ code, message, detail: null }] }));
}
