/**
 * Registries that will not mount a blob from another repository: Harbor
 * answers `401` for a source project the account cannot read
 * (goharbor/harbor#17097), Docker Hub `401`/`403` without pull scope on
 * the source (go-containerregistry#1681), Quay `404`, ECR `202` for a blob
 * no manifest references yet (aws/containers-roadmap#2860). Each mount
 * `POST` gets the chosen answer; `202` opens an ordinary upload session
 * instead, as the spec says a registry may.
 */
import type { Personality } from "./front.ts";

/** The refusal a mount gets. */
export type MountAnswer = 202 | 401 | 403 | 404;

export function refusedMounts(status: MountAnswer): Personality {
  return {
    name: `refused-mounts-${status}`,
    front(exchange, tools) {
      if (exchange.method !== "POST" || !exchange.url.searchParams.has("mount")) return false;
      if (status === 202) {
        exchange.seen.answeredByFront = true;
        tools.forward(exchange, { path: exchange.url.pathname });
        return true;
      }
      // Harbor's 401 carries its token challenge; a Basic one here, as the bed registry behind speaks Basic.
      const challenge = status === 401 ? { "www-authenticate": 'Basic realm="harbor"' } : {};
      tools.answer(exchange, status, challenge);
      return true;
    },
  };
}
