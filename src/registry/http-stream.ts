/**
 * A request whose body is a stream: a blob upload sent straight from its
 * place in the bundle, never held in memory. With `size` it goes with a
 * Content-Length (a monolithic PUT); without, chunked (a PATCH of a layer
 * compressed on the way). The socket's idle timeout is the stall timeout.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";
import type { HttpResponse } from "./http.ts";

export interface StreamRequest {
  readonly method: "PUT" | "PATCH";
  readonly headers: Record<string, string>;
  readonly body: Readable;
  /** Bytes the body holds; unknown (chunked) when undefined. */
  readonly size?: number;
  readonly verify: boolean;
  readonly ca?: readonly string[];
  readonly signal?: AbortSignal;
  /** No byte either way for this long ends the request with ETIMEDOUT. */
  readonly idleMs: number;
}

export function sendStream(url: string, { method, headers, body, size, verify, ca, signal, idleMs }: StreamRequest): Promise<HttpResponse> {
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  const allHeaders = { "Content-Type": "application/octet-stream", ...(size === undefined ? {} : { "Content-Length": String(size) }), ...headers };
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: allHeaders, rejectUnauthorized: verify, ca: ca ? [...ca] : undefined, timeout: idleMs, signal }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (text.length < 64 * 1024) text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no progress for ${idleMs / 1000}s`), { code: "ETIMEDOUT" })));
    req.on("error", (error) => {
      body.destroy();
      reject(error);
    });
    body.on("error", (error) => req.destroy(error));
    body.pipe(req);
  });
}
