/**
 * The OCI / distribution reference grammar, as rules that explain
 * themselves: each check returns the reason a value breaks the rule, so the
 * error can name both the value and the rule.
 */
import { inputError } from "../core/errors.ts";

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
/** Why an IPv6 literal is refused: podman 4 reads `[::1]:5000/x` as "invalid reference format". */
export const IPV6_RULE =
  "podman does not accept an IPv6 address as a registry host (invalid reference format); give the registry a host name";
/** Distribution refuses repository names longer than this. */
export const MAX_NAME_LENGTH = 255;

export const TAG_RULE = "a tag is 1 to 128 ASCII letters, digits, '_', '.' or '-', and does not start with '.' or '-'";
export const PATH_RULE = "path components are lower-case letters and digits, separated by '.', '_', '__' or '-'";

/** Why `tag` is not a valid OCI tag, or undefined when it is. */
export function tagProblem(tag: string): string | undefined {
  if (TAG.test(tag)) return undefined;
  if (tag === "") return "it is empty";
  if ([...tag].length > 128) return `it is ${[...tag].length} characters long (at most 128)`;
  if (/[^\x20-\x7e]/.test(tag)) return "it contains a character that is not printable ASCII";
  if (/^[.-]/.test(tag)) return `it starts with '${tag[0]}'`;
  const bad = [...tag].find((c) => !/[A-Za-z0-9._-]/.test(c));
  return `it contains '${bad}'`;
}

/** Why one repository path component is invalid, or undefined when it is fine. */
export function pathComponentProblem(component: string): string | undefined {
  if (PATH_COMPONENT.test(component)) return undefined;
  if (component === "") return "it has an empty path component";
  if (/[A-Z]/.test(component)) return `'${component}' contains upper case; registries accept only lower case in paths`;
  return `'${component}' breaks the rule: ${PATH_RULE}`;
}

/** Why `host[:port]` is not a registry host, or undefined when it is. */
export function hostProblem(hostPort: string): string | undefined {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostPort);
  const host = match?.[1] ?? "";
  const port = match?.[2];
  if (host === "") return "the host is empty";
  if (isIpv6Literal(host)) return `'${host}' is an IPv6 address: ${IPV6_RULE}`;
  if (!host.split(".").every((label) => HOST_LABEL.test(label))) {
    return `'${host}' is not a host name or IP address`;
  }
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    return `'${port}' is not a port number (1-65535)`;
  }
  return undefined;
}

/** `[...]` host: an IPv6 literal, which the reference grammar allows but podman does not. */
export function isIpv6Literal(hostPort: string): boolean {
  return hostPort.startsWith("[");
}

/** A first path component that names a host (docker's rule: it has '.', ':' or is localhost). */
export function looksLikeHost(component: string): boolean {
  return component.includes(".") || component.includes(":") || component === "localhost";
}

/** Why a local repository path (-p) is invalid; its first component may be a host. */
export function sourcePathProblem(path: string): string | undefined {
  const components = path.split("/");
  const [first = ""] = components;
  // The source is <path>/<image>, so a first component with '.', ':' or
  // "localhost" is read as a registry host (vendor.example.com/apim), even alone.
  return components
    .map((component, index) => (index === 0 && looksLikeHost(first) ? hostProblem(component) : pathComponentProblem(component)))
    .find((problem) => problem !== undefined);
}

export function assertTag(flag: string, tag: string): void {
  const problem = tagProblem(tag);
  if (problem) {
    throw inputError(
      "INVALID_TAG",
      `${flag} ${JSON.stringify(tag)} is not a valid tag: ${problem}`,
      `use a tag such as v6.0.0; ${TAG_RULE}`,
    );
  }
}
