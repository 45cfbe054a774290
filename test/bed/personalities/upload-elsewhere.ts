/**
 * A registry whose uploads go to another host: every upload `Location` is
 * an absolute URL on the other host (the distribution spec allows it; an
 * upload service or a CDN edge stands behind some registries). The other
 * host takes the upload with its own login to the registry, as such a
 * service holds its own, so a client needs none there, and any it sends is
 * recorded as a leak.
 */
import type { ChangedAnswer, Personality } from "./front.ts";

/** Where the other host takes uploads: its path is the registry's upload path after this prefix. */
const PREFIX = "/upload-host";

export const uploadElsewhere: Personality = {
  name: "upload-elsewhere",
  front(exchange, tools) {
    tools.forward(exchange, { onAnswer: (answer) => toOtherHost(answer, tools.otherHostUrl) });
    return true;
  },
  otherHost(exchange, tools) {
    if (!exchange.path.startsWith(`${PREFIX}/v2/`)) return false;
    tools.forward(exchange, {
      auth: "backend",
      path: exchange.path.slice(PREFIX.length),
      onAnswer: (answer) => toOtherHost(answer, tools.otherHostUrl),
    });
    return true;
  },
};

/** An upload session's Location, whichever host the registry named, moved to the other host. */
function toOtherHost(answer: ChangedAnswer, otherHostUrl: string): void {
  const location = answer.headers.location;
  if (typeof location !== "string" || !location.includes("/blobs/uploads/")) return;
  const at = new URL(location, otherHostUrl);
  answer.headers.location = `${otherHostUrl}${PREFIX}${at.pathname}${at.search}`;
}
