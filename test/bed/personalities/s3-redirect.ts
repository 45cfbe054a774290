/**
 * distribution (or Harbor) storing blobs on S3 with `redirect` on, the S3
 * driver's default: a blob `HEAD` or `GET` the registry can serve is
 * answered `307` to a presigned URL on the blob store, another host. For a
 * blob it does not have, the registry answers 404 itself (it stats the
 * blob before it redirects). The blob store here is the other host: it
 * serves the blob from the registry with the front's own login, and
 * records any Authorization a client sends it.
 */
import type { Personality } from "./front.ts";

const BLOB = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/;
const STORE = /^\/blob-store\/(.+)\/(sha256:[0-9a-f]{64})$/;

export const s3Redirect: Personality = {
  name: "s3-redirect",
  front(exchange, tools) {
    const match = BLOB.exec(exchange.url.pathname);
    if (!match || (exchange.method !== "GET" && exchange.method !== "HEAD")) return false;
    const [, name, digest] = match;
    tools.forward(exchange, {
      onAnswer(answer) {
        if (answer.status !== 200) return;
        answer.status = 307;
        answer.headers = {
          location: `${tools.otherHostUrl}/blob-store/${name}/${digest}?X-Amz-Expires=1200&X-Amz-Signature=${"0".repeat(64)}`,
        };
        answer.body = "";
      },
    });
    return true;
  },
  otherHost(exchange, tools) {
    const match = STORE.exec(exchange.url.pathname);
    if (!match || (exchange.method !== "GET" && exchange.method !== "HEAD")) return false;
    const [, name, digest] = match;
    tools.forward(exchange, { auth: "backend", path: `/v2/${name}/blobs/${digest}` });
    return true;
  },
};
