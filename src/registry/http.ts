/**
 * A small HTTP client for registry APIs, on undici, with the TLS choice made
 * explicitly (verify with the trusted CAs, or not at all) so preflight sees
 * the registry the way the container tool will. Requests go through the
 * run's RegistryAgent: pooled connections, and the proxy the environment
 * names (registry-agent.ts).
 */
import type { IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { VERSION } from "../cli/version.ts";
import { normalizedError, PROXY_GATEWAY_STATUSES, proxyGatewayError } from "./http-errors.ts";
import { directAgent, RegistryAgent } from "./registry-agent.ts";
import { refuseUnusableRoute } from "./unusable-proxy.ts";

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RequestOptions {
  readonly method?: "GET" | "HEAD" | "POST" | "PUT";
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Verify the server's certificate (https only). */
  readonly verify: boolean;
  /** PEM certificates to trust when verifying. */
  readonly ca?: readonly string[];
  /** No byte from the server for this long ends the request with ETIMEDOUT. */
  readonly timeoutMs?: number;
  /** Ends the request at once (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** The run's connections (its TLS choice, CAs and proxy); without one, a direct connection. */
  readonly agent?: RegistryAgent;
}

const BODY_LIMIT = 1024 * 1024;

export function httpGet(url: string, options: RequestOptions): Promise<HttpResponse> {
  return send(url, { ...options, method: "GET" });
}

export function send(
  url: string,
  { method = "GET", headers = {}, body, verify, ca, timeoutMs = 10_000, signal, agent }: RequestOptions,
): Promise<HttpResponse> {
  const allHeaders =
    body === undefined
      ? headers
      : { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)), ...headers };
  const through = agent ?? (ca ? new RegistryAgent({ verify, ca, env: {} }) : directAgent(verify));
  return exchange(url, { method, headers: allHeaders, body, agent: through, signal, idleMs: timeoutMs, bodyLimit: BODY_LIMIT });
}

/** The Authorization header value for HTTP basic auth. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

export interface Exchange {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string | UploadBody;
  readonly agent: RegistryAgent;
  readonly signal?: AbortSignal;
  /** No byte either way for this long ends the request with ETIMEDOUT. */
  readonly idleMs: number;
  /** Bytes of the answer kept; the rest is read and dropped, so the connection can be used again. */
  readonly bodyLimit: number;
  /**
   * Once a streamed body is all sent, the wait for the answer (a registry
   * placing a blob answers late: src/core/answer-wait.ts); `idleMs` when not given.
   */
  readonly answerWaitMs?: number;
  /** Called when the answer has not come `idleMs` after the body was all sent; what it returns is called when the wait ends. */
  readonly onWaiting?: () => (() => void) | void;
}

/** One request and its whole answer, through the agent, with errors as Node codes (http-errors.ts). */
export async function exchange(
  url: string,
  { method, headers, body, agent, signal, idleMs, bodyLimit, answerWaitMs, onWaiting }: Exchange,
): Promise<HttpResponse> {
  const target = new URL(url);
  const route = agent.route(target);
  refuseUnusableRoute(route, target);
  const idle = new IdleTimer(idleMs, () => `no answer from ${target.origin} for ${idleMs / 1000}s`);
  let waited = undefined as (() => void) | void;
  let saying: NodeJS.Timeout | undefined;
  // Nothing left to send: what follows is the registry's time, not a stall.
  const allSent = () => {
    if (answerWaitMs === undefined || answerWaitMs <= idleMs) return;
    idle.limit(answerWaitMs, () => `no answer from ${target.origin} for ${answerWaitMs / 1000}s after the whole body was sent`);
    // Said only once the answer is later than a stall would be: most come at once.
    saying = setTimeout(() => (waited = onWaiting?.()), idleMs);
  };
  // Bytes going out are progress too. undici pulls each chunk once the socket took the last one.
  const sent = typeof body === "object" ? watched(body, () => idle.touch(), allSent) : body;
  let answer: HttpResponse;
  try {
    const requestSignal = signal ? AbortSignal.any([signal, idle.signal]) : idle.signal;
    const response = await settledByAbort(
      (await agent.dispatcher()).request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: method as "GET",
        // Named in the registry's (and the proxy's) logs.
        headers: { "User-Agent": `push-images/${VERSION}`, ...headers },
        // undici sends an async iterable too (its docs list it; its request types do not).
        body: sent as Readable | string | undefined,
        signal: requestSignal,
        // The idle timer is the one timeout: it also sees bytes going out.
        headersTimeout: 0,
        bodyTimeout: 0,
        // undici closes the connection after a HEAD (for servers that send a
        // body with one); registries do not, and a bundle push sends a HEAD per blob.
        reset: false,
      }),
      requestSignal,
    );
    idle.touch();
    const chunks: Buffer[] = [];
    let kept = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      idle.touch();
      if (kept < bodyLimit) chunks.push(chunk);
      kept += chunk.length;
    }
    answer = {
      status: response.statusCode,
      headers: response.headers as IncomingHttpHeaders,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    // undici frees the connection a tick after the body ends: a request the
    // caller sends at once would open another (registry-http.test.ts).
    await new Promise<void>((resolve) => setImmediate(resolve));
  } catch (error) {
    if (typeof body === "object") closeBody(body);
    throw normalizedError(idle.signal.aborted ? idle.signal.reason : error, target, route);
  } finally {
    idle.stop();
    clearTimeout(saying);
    waited?.();
  }
  // Through HTTP_PROXY the proxy answers in the registry's place when it cannot reach it; a registry names its API version.
  if (route.via === "proxy" && PROXY_GATEWAY_STATUSES.has(answer.status) && !answer.headers["docker-distribution-api-version"]) {
    throw proxyGatewayError(answer.status, target, route);
  }
  return answer;
}

/** A streamed request body: a stream, or chunks an upload pump gives one at a time (src/bundle/checked-blob.ts). */
export type UploadBody = Readable | AsyncIterable<Buffer>;

/** The body's chunks as undici pulls them, each a touch of the idle timer, and `onEnd` after the last. */
async function* watched(body: UploadBody, onChunk: () => void, onEnd: () => void): AsyncGenerator<Buffer> {
  for await (const chunk of body) {
    onChunk();
    yield chunk as Buffer;
  }
  onEnd();
}

/** Stops reading a body that will not be sent (whole): closes its file. */
export function closeBody(body: UploadBody): void {
  if (body instanceof Readable) body.destroy();
  else void (body as AsyncGenerator<Buffer>).return?.(undefined)?.catch(() => undefined);
}

/**
 * `request`, or the abort's reason as soon as `signal` fires. undici heeds
 * an abort during a TLS handshake only when its own 10 s connect timeout
 * ends it: a registry that takes the connection and never answers would
 * hold the run that long, past --stall-timeout and past Ctrl-C.
 */
function settledByAbort<T>(request: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    request.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Aborts with ETIMEDOUT after `ms` without a touch. */
class IdleTimer {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;

  constructor(
    private ms: number,
    private message: () => string,
  ) {
    this.timer = this.start();
  }

  /** From now on `ms` without a touch ends it, with `message`. */
  limit(ms: number, message: () => string): void {
    clearTimeout(this.timer);
    this.ms = ms;
    this.message = message;
    this.timer = this.start();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  touch(): void {
    this.timer.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private start(): NodeJS.Timeout {
    // The timer ran out (nothing came for `ms`), not a connect that failed: callers say "stopped answering"
    // (`idleMs`), and how long it waited (`waitedMs`, which grows once a body is all sent).
    const expired = () => Object.assign(new Error(this.message()), { code: "ETIMEDOUT", idleMs: this.ms, waitedMs: this.ms });
    return setTimeout(() => this.controller.abort(expired()), this.ms);
  }
}
