/**
 * Artifact Registry (and GCR, served by it) takes monolithic uploads only:
 * "Artifact Registry does not support Docker chunked uploads" (its Docker
 * API reference). What it answers to a chunk is not documented; here a
 * `PATCH` with a `Content-Range` gets 400 UNSUPPORTED, the distribution
 * API's code for an operation a registry does not offer. podman's single
 * streamed `PATCH` without `Content-Range` followed by the `PUT` is one
 * upload of the whole blob, and podman pushes to Artifact Registry: that
 * is taken.
 */
import type { Personality } from "./front.ts";

const SESSION = /^\/v2\/.+\/blobs\/uploads\/[^/?]+$/;

export function garMonolithic(): Personality {
  return {
    name: "gar-monolithic",
    front(exchange, tools) {
      if (exchange.method !== "PATCH" || !SESSION.test(exchange.url.pathname)) return false;
      if (exchange.req.headers["content-range"] === undefined) return false;
      const body = JSON.stringify({ errors: [{ code: "UNSUPPORTED", message: "chunked upload is not supported" }] });
      tools.answer(exchange, 400, {}, body);
      return true;
    },
  };
}
