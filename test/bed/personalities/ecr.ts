/**
 * Amazon ECR's blob uploads, as its users report them:
 * - a `PATCH` is answered 201, not the 202 the distribution API names
 *   (regclient scheme/reg/blob.go; openai/tart#273);
 * - the `Range` of that answer stops at the first chunk's end and stays
 *   there while every later chunk is stored (aws/containers-roadmap#2831);
 * - a mount of a blob no manifest references yet is answered 202 with a
 *   new upload session, not 201 (aws/containers-roadmap#2860): here every
 *   mount, since the front cannot tell.
 */
import type { Personality } from "./front.ts";

const SESSION = /^\/v2\/.+\/blobs\/uploads\/([^/?]+)$/;
const UPLOADS = /^\/v2\/(.+)\/blobs\/uploads\/?$/;

export function ecr(): Personality {
  /** Each session's Range after its first chunk. */
  const firstRange = new Map<string, string>();
  return {
    name: "ecr",
    front(exchange, tools) {
      const { method, url } = exchange;
      if (method === "POST" && UPLOADS.test(url.pathname) && url.searchParams.has("mount")) {
        // Opens a plain upload session instead of mounting.
        tools.forward(exchange, { path: url.pathname });
        return true;
      }
      const session = SESSION.exec(url.pathname)?.[1];
      if (method !== "PATCH" || !session) return false;
      tools.forward(exchange, {
        onAnswer(answer) {
          if (answer.status !== 202) return;
          answer.status = 201;
          const range = answer.headers.range;
          if (typeof range !== "string") return;
          if (!firstRange.has(session)) firstRange.set(session, range);
          answer.headers.range = firstRange.get(session);
        },
      });
      return true;
    },
  };
}
