/**
 * A small HTTP client for registry APIs, with the TLS choice made
 * explicitly (verify with the trusted CAs, or not at all) so preflight sees
 * the registry the way the container tool will.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

export interface HttpResponse {
  readonly status: number;
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
}

const BODY_LIMIT = 1024 * 1024;

export function httpGet(url: string, options: RequestOptions): Promise<HttpResponse> {
  return send(url, { ...options, method: "GET" });
}

export function send(url: string, { method = "GET", headers = {}, body, verify, ca, timeoutMs = 10_000, signal }: RequestOptions): Promise<HttpResponse> {
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  const allHeaders = body === undefined ? headers : { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)), ...headers };
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: allHeaders, rejectUnauthorized: verify, ca: ca ? [...ca] : undefined, timeout: timeoutMs, signal }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (text.length < BODY_LIMIT) text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer from ${url} within ${timeoutMs / 1000}s`), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end(body);
  });
}

/** The Authorization header value for HTTP basic auth. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}
