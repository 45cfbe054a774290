/**
 * Docker Hub's rate limit: a request over the limit is answered `429
 * TOOMANYREQUESTS` with `Retry-After` (seconds). Here the first upload
 * `POST` and the first manifest `PUT` to each repository are refused so,
 * with `Retry-After: 2`; the same request sent again goes through. The
 * personality notes when each manifest PUT was refused and when it came
 * again (one per repository, so the pair is certain; blob uploads go
 * several at a time), so a test can tell how long the client waited.
 */
import type { Personality } from "./front.ts";

export const RETRY_AFTER_SECONDS = 2;

const UPLOAD = /^\/v2\/(.+)\/blobs\/uploads\/$/;
const MANIFEST = /^\/v2\/(.+)\/manifests\/[^/]+$/;

export interface DockerHub429 extends Personality {
  /** Milliseconds between each refused manifest PUT and its next arrival. */
  waits(): number[];
}

export function dockerHub429(): DockerHub429 {
  const refusedAt = new Map<string, number>();
  const waits: number[] = [];
  return {
    name: "docker-hub-429",
    waits: () => [...waits],
    front(exchange, tools) {
      const { method, url } = exchange;
      const upload = method === "POST" && !url.searchParams.has("mount") ? UPLOAD.exec(url.pathname) : null;
      const manifest = method === "PUT" ? MANIFEST.exec(url.pathname) : null;
      const name = (upload ?? manifest)?.[1];
      if (name === undefined) return false;
      const key = `${method} ${name}`;
      const refused = refusedAt.get(key);
      if (refused === undefined) {
        refusedAt.set(key, performance.now());
        const body = JSON.stringify({ errors: [{ code: "TOOMANYREQUESTS", message: "You have reached your pull rate limit" }] });
        tools.answer(exchange, 429, { "retry-after": String(RETRY_AFTER_SECONDS) }, body);
        return true;
      }
      if (refused > 0 && manifest) {
        waits.push(performance.now() - refused);
        refusedAt.set(key, 0);
      }
      return false;
    },
  };
}
