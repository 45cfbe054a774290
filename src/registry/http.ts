/**
 * A small HTTP GET for the registry API, with the TLS choice made
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

export interface GetOptions {
  readonly headers?: Record<string, string>;
  /** Verify the server's certificate (https only). */
  readonly verify: boolean;
  /** PEM certificates to trust when verifying. */
  readonly ca?: readonly string[];
  readonly timeoutMs?: number;
}

const BODY_LIMIT = 1024 * 1024;

export function httpGet(url: string, { headers = {}, verify, ca, timeoutMs = 10_000 }: GetOptions): Promise<HttpResponse> {
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", headers, rejectUnauthorized: verify, ca: ca ? [...ca] : undefined, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (body.length < BODY_LIMIT) body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer from ${url} within ${timeoutMs / 1000}s`), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end();
  });
}
