/**
 * distribution or Harbor storing blobs on S3, or Artifactory: the final
 * `PUT ...?digest=` of a large blob is answered only once the registry has
 * moved the blob into place, 90-100 s for a 200 MB layer (moby/moby#53700,
 * goharbor/harbor#17908). Here the registry behind the front has the blob
 * at once; the front holds the answer for `delayMs` and, as the real ones
 * do while they move it, answers `HEAD` of that blob 404 until then. Only
 * uploads of at least `largeBytes` (counted as their bodies pass: PATCHes
 * and the PUT) are slow; a small blob is placed at once. `finalPuts()`
 * counts the final PUTs of large blobs per digest: a client that gave up
 * on the answer and sent the blob again shows as 2.
 */
import type { Personality } from "./front.ts";

const SESSION = /^\/v2\/.+\/blobs\/uploads\/([^/?]+)$/;
const BLOB = /^\/v2\/.+\/blobs\/(sha256:[0-9a-f]{64})$/;

export interface SlowFinalize extends Personality {
  /** Final PUTs of large blobs, by digest. */
  finalPuts(): ReadonlyMap<string, number>;
}

export function s3SlowFinalize({ delayMs, largeBytes }: { delayMs: number; largeBytes: number }): SlowFinalize {
  const received = new Map<string, number>();
  const finals = new Map<string, number>();
  const placing = new Set<string>();
  return {
    name: "s3-slow-finalize",
    finalPuts: () => finals,
    front(exchange, tools) {
      const blob = BLOB.exec(exchange.url.pathname);
      if (blob && exchange.method === "HEAD" && placing.has(blob[1] as string)) {
        tools.answer(exchange, 404);
        return true;
      }
      const session = SESSION.exec(exchange.url.pathname)?.[1];
      if (!session || (exchange.method !== "PATCH" && exchange.method !== "PUT")) return false;
      // Counted as it passes; forwarded in this same turn, so the pipe gets every byte the count sees.
      exchange.req.on("data", (chunk: Buffer) => received.set(session, (received.get(session) ?? 0) + chunk.length));
      const digest = exchange.url.searchParams.get("digest");
      // The size is known once the PUT's body is in: PATCHes before it, then the PUT's own bytes.
      const announced = Number(exchange.req.headers["content-length"] ?? 0);
      if (exchange.method === "PATCH" || !digest || (received.get(session) ?? 0) + announced < largeBytes) {
        tools.forward(exchange);
        return true;
      }
      finals.set(digest, (finals.get(digest) ?? 0) + 1);
      placing.add(digest);
      tools.forward(exchange, { delayMs });
      setTimeout(() => placing.delete(digest), delayMs).unref();
      return true;
    },
  };
}
