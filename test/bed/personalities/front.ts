/**
 * A registry personality: a small HTTP front before one of the bed's plain
 * distribution registries that behaves as a registry in the field does
 * (Harbor on S3, ECR, GHCR, ...), plus a second host on 127.0.0.2 that
 * stands for what such registries hand clients over to (blob storage, an
 * upload host). Every request either host sees is recorded, with the
 * scheme of any Authorization it carried, so a test can prove that no
 * credentials reached the other host.
 *
 * A personality decides per request: answer it itself, forward it to the
 * registry (changing the answer on the way, or delaying it), or leave it
 * to the default (the front forwards, the other host answers 404). It
 * started in a test's own process, so the test reads `seen()` directly.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { BedRegistry } from "../types.ts";

/** The second loopback host: another machine as far as any client can tell. */
export const OTHER_HOST_IP = "127.0.0.2";

export interface SeenRequest {
  /** Which host was asked. */
  readonly at: "front" | "other-host";
  readonly method: string;
  /** Path with its query. */
  readonly path: string;
  /** Scheme of the Authorization header the client sent (`Basic`, `Bearer`), or undefined when it sent none. */
  readonly authorization?: string;
  /** What the client got; 0 while unanswered, or when the connection was cut or held. */
  status: number;
  /** True when the personality answered instead of the registry. */
  answeredByFront: boolean;
}

/** One request being handled. */
export interface Exchange {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly method: string;
  /** Path with its query, as asked. */
  readonly path: string;
  /** `path` parsed (against the host asked). */
  readonly url: URL;
  /** Its record in `seen()`. */
  readonly seen: SeenRequest;
}

export interface ChangedAnswer {
  status: number;
  headers: http.OutgoingHttpHeaders;
  /** Sent instead of the registry's body (whose length is then set to match). */
  body?: string;
}

export interface ForwardOptions {
  /** Whose credentials go to the registry: the client's (default) or the front's own (`backend`: what an upload host or blob store has). */
  readonly auth?: "client" | "backend";
  /** Another path to ask the registry for (default: the one asked). */
  readonly path?: string;
  /**
   * Changes the registry's answer before the client sees it: status,
   * headers (lower-case names), and a `body` that replaces the registry's.
   */
  readonly onAnswer?: (answer: ChangedAnswer) => void;
  /** Holds the answer this long after the registry gave it (a slow finalize). */
  readonly delayMs?: number;
}

export interface FrontTools {
  /** `http://127.0.0.1:<port>`: the front, as clients reach it. */
  readonly frontUrl: string;
  /** `http://127.0.0.2:<port>`: the other host. */
  readonly otherHostUrl: string;
  /** Everything both hosts have seen so far, in order. */
  readonly seen: readonly SeenRequest[];
  forward(exchange: Exchange, options?: ForwardOptions): void;
  /** Answers in the registry's error format (or with `body` as given). */
  answer(exchange: Exchange, status: number, headers?: http.OutgoingHttpHeaders, body?: string): void;
  /** Takes the request whole and never answers, the connection left open. */
  hold(exchange: Exchange): void;
}

/** What returns true handled the request (or will); false or undefined leaves it to the default. */
type Handler = (exchange: Exchange, tools: FrontTools) => boolean | undefined | Promise<boolean | undefined>;

export interface Personality {
  /** For messages: the registry it behaves like, e.g. `s3-redirect`. */
  readonly name: string;
  /** Requests to the front; unhandled ones are forwarded unchanged. */
  readonly front?: Handler;
  /** Requests to the other host; unhandled ones get 404. */
  readonly otherHost?: Handler;
}

export interface RunningPersonality {
  /** The front as a registry: point `-r` at `registry.host`. Its log file is the registry's behind it. */
  readonly registry: BedRegistry;
  /** `http://127.0.0.2:<port>` */
  readonly otherHostUrl: string;
  seen(): readonly SeenRequest[];
  /** Requests that reached the other host carrying any Authorization header. */
  credentialsAtOtherHost(): readonly SeenRequest[];
  close(): Promise<void>;
}

/**
 * Starts `personality` before `backend`, a plain-HTTP bed registry (with
 * its credentials, when it wants a login: the front and the other host use
 * them for `auth: "backend"` forwards).
 */
export async function startPersonality(backend: BedRegistry, personality: Personality): Promise<RunningPersonality> {
  const target = new URL(backend.url);
  if (target.protocol !== "http:") throw new Error(`personality ${personality.name}: fronts plain HTTP registries only`);
  const seen: SeenRequest[] = [];
  const backendAuth = backend.credentials
    ? `Basic ${Buffer.from(`${backend.credentials.username}:${backend.credentials.password}`).toString("base64")}`
    : undefined;
  const urls = { front: "", other: "" };

  const tools: FrontTools = {
    get frontUrl() {
      return urls.front;
    },
    get otherHostUrl() {
      return urls.other;
    },
    seen,
    forward(exchange, options = {}) {
      forward(exchange, target, options.auth === "backend" ? backendAuth : undefined, options);
    },
    answer(exchange, status, headers, body) {
      answer(exchange, status, headers, body);
    },
    hold(exchange) {
      exchange.seen.answeredByFront = true;
      exchange.req.resume();
    },
  };

  const serve = (at: SeenRequest["at"], handler: Handler | undefined, fallback: (exchange: Exchange) => void) =>
    http.createServer((req, res) => {
      const method = req.method ?? "GET";
      const path = req.url ?? "/";
      const authorization = req.headers.authorization?.split(" ")[0];
      const record: SeenRequest = {
        at,
        method,
        path,
        ...(authorization ? { authorization } : {}),
        status: 0,
        answeredByFront: false,
      };
      seen.push(record);
      const exchange: Exchange = {
        req,
        res,
        method,
        path,
        url: new URL(path, `http://${req.headers.host ?? "x"}`),
        seen: record,
      };
      Promise.resolve(handler?.(exchange, tools))
        .then((handled) => handled || fallback(exchange))
        .catch((error: unknown) => answer(exchange, 500, {}, `personality ${personality.name}: ${(error as Error).message}`));
    });

  const front = serve("front", personality.front, (exchange) => tools.forward(exchange));
  const other = serve("other-host", personality.otherHost, (exchange) => answer(exchange, 404));
  urls.front = `http://${await listen(front, "127.0.0.1")}`;
  urls.other = `http://${await listen(other, OTHER_HOST_IP)}`;
  const host = new URL(urls.front).host;
  return {
    registry: { ...backend, host, url: urls.front },
    otherHostUrl: urls.other,
    seen: () => [...seen],
    credentialsAtOtherHost: () => seen.filter((record) => record.at === "other-host" && record.authorization),
    close: async () => {
      await Promise.all([close(front), close(other)]);
    },
  };
}

function forward(exchange: Exchange, target: URL, backendAuth: string | undefined, options: ForwardOptions): void {
  const { req, res, method, seen } = exchange;
  const headers = { ...req.headers };
  if (backendAuth) headers.authorization = backendAuth;
  else if (options.auth === "backend") delete headers.authorization;
  // The Host header stays the one the client asked: distribution builds its
  // Location URLs from it, so they point back at whichever host was asked.
  const upstream = http.request(
    { host: target.hostname, port: target.port, method, path: options.path ?? exchange.path, headers },
    (answerIn) => {
      const changed: ChangedAnswer = { status: answerIn.statusCode ?? 502, headers: { ...answerIn.headers } };
      options.onAnswer?.(changed);
      const send = () => {
        seen.status = changed.status;
        if (changed.body === undefined) {
          res.writeHead(changed.status, changed.headers);
          answerIn.pipe(res);
          return;
        }
        answerIn.resume();
        const { body } = changed;
        res.writeHead(changed.status, { ...changed.headers, "content-length": Buffer.byteLength(body) });
        res.end(method === "HEAD" ? undefined : body);
      };
      if (options.delayMs) setTimeout(send, options.delayMs);
      else send();
    },
  );
  upstream.on("error", () => res.destroy());
  // A client that hangs up mid-body cuts the registry's request too, as a broken link would.
  req.on("close", () => {
    if (!req.complete) upstream.destroy();
  });
  req.pipe(upstream);
}

/** Bodies in the registry's error format, as a real registry (or a load balancer before it) sends them. */
function answer(exchange: Exchange, status: number, headers: http.OutgoingHttpHeaders = {}, body?: string): void {
  const { req, res, seen } = exchange;
  seen.status = status;
  seen.answeredByFront = true;
  const text =
    body ??
    (status >= 400
      ? JSON.stringify({ errors: [{ code: http.STATUS_CODES[status]?.toUpperCase().replace(/ /g, "_"), message: "" }] })
      : "");
  // Drain the body first: a client still sending it may not read the answer.
  req.resume().on("end", () => {
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
    res.end(req.method === "HEAD" ? undefined : text);
  });
}

function listen(server: http.Server, ip: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, ip, () => resolve(`${ip}:${(server.address() as AddressInfo).port}`));
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
