/**
 * The `Location` a registry gives an upload session. The distribution spec
 * lets it be a path on the registry or an absolute URL on any host (an
 * upload service, blob storage); RegistryConnection sends the registry's
 * login only to the registry's own origin. Anything else (another scheme,
 * text that is no URL) is refused before a byte goes there.
 */
import { failure } from "../core/errors.ts";

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * `value` when it is an http(s) URL or a relative reference; else a coded
 * error naming the registry `host` and the repository `name`.
 */
export function uploadLocation(value: string | string[] | undefined, host: string, name: string): string {
  if (typeof value !== "string" || value === "")
    throw failure(
      "REGISTRY_ERROR",
      `the registry ${host} opened an upload to ${name} without a Location`,
      "the registry does not follow the distribution API; check its version",
    );
  if (!usable(value, host))
    throw failure(
      "REGISTRY_ERROR",
      `the registry ${host} gave an upload to ${name} the Location ${JSON.stringify(value)}, ` +
        "which is neither an http(s) URL nor a path",
      "check the registry's (or its proxy's) external URL setting, e.g. distribution's http.host, " +
        "Harbor's external_url; then run push-images again",
    );
  return value;
}

function usable(value: string, host: string): boolean {
  // Whitespace and control characters: no registry means them, and a URL parser would quietly drop or encode them.
  if (/[\s\x00-\x1f\x7f]/.test(value)) return false;
  try {
    const resolved = new URL(value, `https://${host}`);
    if (!SCHEME.test(value)) return true;
    return (resolved.protocol === "http:" || resolved.protocol === "https:") && resolved.hostname !== "";
  } catch {
    return false;
  }
}
