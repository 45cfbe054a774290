/**
 * A registry that says it stored a manifest and did not: the manifest
 * `PUT` is answered `201` with the digest of what was sent, and nothing is
 * stored; a `GET` or `HEAD` of any manifest is answered `307` to the other
 * host, which answers `200` with a sign-in page (what a misconfigured
 * proxy or CDN before a registry serves). A client that believes the 201,
 * or takes any 200 at the end of a redirect as the manifest, reports an
 * image pushed that is not there.
 */
import { createHash } from "node:crypto";
import type { Personality } from "./front.ts";

const MANIFEST = /^\/v2\/(.+)\/manifests\/([^/]+)$/;

/** What the other host serves in the manifest's place. */
const SIGN_IN_PAGE = "<!doctype html><html><body><form action=/login>Sign in</form></body></html>";

export const manifestLie: Personality = {
  name: "manifest-lie",
  front(exchange, tools) {
    const match = MANIFEST.exec(exchange.url.pathname);
    if (!match) return false;
    const [, name, reference] = match;
    if (exchange.method === "PUT") {
      const chunks: Buffer[] = [];
      exchange.req.on("data", (chunk: Buffer) => chunks.push(chunk));
      exchange.req.on("end", () => {
        const digest = `sha256:${createHash("sha256").update(Buffer.concat(chunks)).digest("hex")}`;
        // Answered here: the body is read already, which tools.answer would wait for.
        Object.assign(exchange.seen, { status: 201, answeredByFront: true });
        exchange.res.writeHead(201, {
          location: `/v2/${name}/manifests/${digest}`,
          "docker-content-digest": digest,
          "content-length": 0,
        });
        exchange.res.end();
      });
      return true;
    }
    if (exchange.method !== "GET" && exchange.method !== "HEAD") return false;
    tools.answer(exchange, 307, { location: `${tools.otherHostUrl}/cdn/${name}/${reference}` }, "");
    return true;
  },
  otherHost(exchange, tools) {
    if (!exchange.path.startsWith("/cdn/")) return false;
    tools.answer(exchange, 200, { "content-type": "text/html" }, SIGN_IN_PAGE);
    return true;
  },
};
