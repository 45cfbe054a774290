/**
 * A tiny HTTP(S) GET used by the bed (readiness) and the tests (registry
 * API). node:https, not fetch: fetch cannot take a per-request CA without
 * the undici package.
 */
import http from "node:http";
import https from "node:https";
import { readFileSync } from "node:fs";

export interface HttpGetOptions {
  headers?: Record<string, string>;
  /** PEM file of a CA to trust for this request. */
  caFile?: string;
  /** Basic auth credentials. */
  auth?: { username: string; password: string };
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function httpGet(url: string, opts: HttpGetOptions = {}): Promise<HttpResponse> {
  const target = new URL(url);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.auth) {
    const token = Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString("base64");
    headers.authorization = `Basic ${token}`;
  }
  const ca = opts.caFile ? readFileSync(opts.caFile) : undefined;
  const request = target.protocol === "https:" ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(target, { method: "GET", headers, ca, timeout: opts.timeoutMs ?? 10_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
    req.end();
  });
}
