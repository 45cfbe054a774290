/**
 * GitHub's registry (ghcr.io) refuses a chunk over 4 MiB with 416
 * (oras-project/rust-oci-client#35; cirruslabs/tart had to lower its chunk
 * size for it). A single streamed `PATCH` without `Content-Range` (podman's
 * and docker's way of sending a blob) is taken whatever its size: podman
 * pushes to GHCR.
 */
import type { Personality } from "./front.ts";

const SESSION = /^\/v2\/.+\/blobs\/uploads\/[^/?]+$/;
const LIMIT = 4 * 1024 * 1024;

export function ghcr(): Personality {
  return {
    name: "ghcr",
    front(exchange, tools) {
      if (exchange.method !== "PATCH" || !SESSION.test(exchange.url.pathname)) return false;
      const range = /^(\d+)-(\d+)$/.exec(String(exchange.req.headers["content-range"] ?? ""));
      if (!range || Number(range[2]) - Number(range[1]) + 1 <= LIMIT) return false;
      tools.answer(exchange, 416);
      return true;
    },
  };
}
