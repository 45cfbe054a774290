/**
 * A proxy before the registry that takes no request body without a
 * Content-Length: nginx before 1.3.9 answered a chunked body with 411
 * Length Required, and so do some load balancers and WAFs. A large blob's
 * one streamed PATCH is such a body: it is refused here, while a chunk
 * (Content-Length and Content-Range) goes on to `behind`, another
 * personality or, without one, the registry.
 */
import type { Personality } from "./front.ts";

const SESSION = /^\/v2\/.+\/blobs\/uploads\/[^/?]+$/;

export function lengthRequired(behind?: Personality): Personality {
  return {
    name: behind ? `length-required before ${behind.name}` : "length-required",
    front(exchange, tools) {
      const streamed = exchange.req.headers["content-length"] === undefined;
      if (exchange.method === "PATCH" && SESSION.test(exchange.url.pathname) && streamed) {
        tools.answer(exchange, 411);
        return true;
      }
      return behind?.front?.(exchange, tools) ?? false;
    },
  };
}
