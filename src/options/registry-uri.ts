/**
 * The -r value: `host[:port][/path...]`, checked rule by rule so each
 * mistake the seed's users made gets its own message and a corrected -r.
 */
import { inputError, PushImagesError } from "../core/errors.ts";
import { hostProblem, IPV6_RULE, isIpv6Literal, looksLikeHost, pathComponentProblem, tagProblem } from "./reference-rules.ts";

export interface RegistryUri {
  /** `host[:port]` as typed: the registry to talk to. */
  readonly host: string;
  /** Repository path under the host, possibly empty. */
  readonly path: string[];
  /** `host[:port][/path]`, the prefix of every target. */
  readonly prefix: string;
}

const SHELL_METACHARACTERS = /[;&|$`<>(){}*?!"'\\#~]/;
const GENERIC_FIX = "use -r host[:port][/path], for example -r registry.example.com/apim";
/** `@algorithm:hex` at the end: an image digest (`name@sha256:...`), not a login's user info. */
const DIGEST = /@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]+$/;

export function parseRegistryUri(value: string): RegistryUri {
  // A password typed into -r must not be echoed back; a digest is no password.
  const digestPart = DIGEST.exec(value)?.[0] ?? "";
  const shown = value.slice(0, value.length - digestPart.length).replace(/[^/@]*@/, "****@") + digestPart;
  const refuse = (why: string, fix: string = GENERIC_FIX) =>
    inputError("INVALID_REGISTRY", `-r ${JSON.stringify(shown)} is not a registry: ${why}`, fix);
  const refuseWith = (why: string, corrected: string, more = "") =>
    refuse(why, corrected === value ? GENERIC_FIX : suggest(corrected, more));

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value);
  if (scheme) throw refuseWith(`drop the scheme '${scheme[1]}://'`, shown.slice(scheme[0].length).replace(/\/+$/, ""));
  if (/\s/.test(value)) throw refuse("it contains white space");
  const meta = SHELL_METACHARACTERS.exec(value);
  if (meta) throw refuse(`it contains '${meta[0]}', which no registry name has`);
  const digest = DIGEST.exec(value);
  if (digest) {
    throw refuseWith(
      `'${digest[0].slice(1)}' is an image digest; -r names where the images go, and each keeps its own digest`,
      value.slice(0, digest.index),
    );
  }
  if (value.includes("@")) {
    throw refuseWith(
      "user info does not belong in -r; log in with 'podman login' or 'docker login' instead",
      value.slice(value.lastIndexOf("@") + 1),
    );
  }
  if (value.endsWith("/")) throw refuseWith("remove the trailing '/'", value.replace(/\/+$/, ""));
  if (value.includes("//")) throw refuseWith("it contains '//'", value.replace(/\/{2,}/g, "/"));
  if (/[^A-Za-z0-9.:/_\[\]-]/.test(value))
    throw refuse("it contains characters outside letters, digits, '.', ':', '/', '_', '-'");

  const [host = "", ...path] = value.split("/");
  if (isIpv6Literal(host)) throw refuse(IPV6_RULE, ipv6Fix(host, path));
  const badHost = hostProblem(host);
  if (badHost) throw refuse(badHost);
  const tagged = /^(.*):([^:]*)$/.exec(path.at(-1) ?? "");
  if (tagged) {
    // host/x:tag: the tag of the pushed images is -d's business.
    const [, name = "", tag = ""] = tagged;
    const retag = tagProblem(tag) === undefined ? ` -d ${tag}` : "";
    throw refuseWith(
      `':${tag}' is a tag; -r names only the registry and path, the tag comes from -d`,
      [host, ...path.slice(0, -1), name].join("/"),
      retag,
    );
  }
  // docker and podman read a first part without '.', ':' or "localhost" as a
  // Docker Hub namespace: harbor/apim would silently go to docker.io/harbor/apim.
  if (!looksLikeHost(host)) {
    throw refuse(
      `"${host}" would be taken as a Docker Hub namespace, not a registry host (a host has a '.', a ':port', or is localhost)`,
      `use -r ${host}.<domain>${path.length ? `/${path.join("/")}` : ""} or -r docker.io/${value}`,
    );
  }
  for (const component of path) {
    const problem = pathComponentProblem(component);
    if (problem) throw refuseWith(problem, [host, ...path.map((c) => c.toLowerCase())].join("/"));
  }
  return { host, path, prefix: value };
}

/**
 * `use -r <corrected><more>` when the corrected value passes; otherwise the
 * fix for what is still wrong with it, so a fix never repeats a bad value.
 */
function suggest(corrected: string, more: string): string {
  try {
    parseRegistryUri(corrected);
  } catch (error) {
    if (error instanceof PushImagesError) return /^use -r \S+$/.test(error.hint) ? `${error.hint}${more}` : error.hint;
    throw error;
  }
  return `use -r ${corrected}${more}`;
}

function ipv6Fix(host: string, path: readonly string[]): string {
  const [, address = "", port = ""] = /^\[([^\]]*)\](.*)$/.exec(host) ?? [];
  const name = "registry6.internal";
  return (
    `name the address in /etc/hosts (echo '${address} ${name}' | sudo tee ` +
    `-a /etc/hosts), then use -r ${[`${name}${port}`, ...path].join("/")}`
  );
}
