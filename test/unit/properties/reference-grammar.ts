/**
 * The distribution reference grammar, written out here from its
 * specification (distribution/reference, reference.go) and never taken from
 * src/, so the properties judge the tool by the standard, not by itself:
 *
 *   reference        := name [ ":" tag ] [ "@" digest ]
 *   name             := [domain '/'] remote-name
 *   domain           := host [':' port-number]
 *   host             := domain-name | IPv4address | \[ IPv6address \]
 *   domain-name      := domain-component ['.' domain-component]*
 *   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 *   port-number      := /[0-9]+/
 *   remote-name      := path-component ['/' path-component]*
 *   path-component   := alpha-numeric [separator alpha-numeric]*
 *   alpha-numeric    := /[a-z0-9]+/
 *   separator        := /[_.]|__|[-]+/
 *   tag              := /[\w][\w.-]{0,127}/
 *
 * With the reference implementation's extra rules: a name is at most 255
 * characters, an IPv6 literal is hex digits and colons, and the first
 * component is a domain only when it has '.' or ':', is "localhost", or has
 * upper case (else docker and podman send the image to Docker Hub).
 * Digests are not used by push-images and not accepted here.
 */

const ALPHA_NUMERIC = "[a-z0-9]+";
const SEPARATOR = "(?:[_.]|__|-+)";
const PATH_COMPONENT = `${ALPHA_NUMERIC}(?:${SEPARATOR}${ALPHA_NUMERIC})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
// An IPv4 address is also a domain-name by these rules.
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
// Without the u flag, \w is exactly [A-Za-z0-9_], as in Go's regexp.
const TAG = "[\\w][\\w.-]{0,127}";

const REFERENCE_RE = new RegExp(`^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?$`);
const TAG_RE = new RegExp(`^${TAG}$`);
const PATH_COMPONENT_RE = new RegExp(`^${PATH_COMPONENT}$`);
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const NAME_TOTAL_LENGTH_MAX = 255;

export interface Reference {
  name: string;
  tag?: string;
  /** Where docker and podman send it: the first component when it names a domain, else docker.io. */
  domain: string;
}

/**
 * Why `ref` is not a reference, or undefined when it is one. A first
 * component that docker reads as a domain must be one ('a.b_c/x' is not
 * the path 'a.b_c/x', it is the invalid domain 'a.b_c').
 */
export function referenceProblem(ref: string): "grammar" | "name too long" | undefined {
  const match = REFERENCE_RE.exec(ref);
  if (!match) return "grammar";
  const name = match[1] ?? "";
  const domain = domainOf(name);
  if (domain !== "docker.io" && !DOMAIN_RE.test(domain)) return "grammar";
  return name.length > NAME_TOTAL_LENGTH_MAX ? "name too long" : undefined;
}

export function parseReference(ref: string): Reference | undefined {
  if (referenceProblem(ref) !== undefined) return undefined;
  const match = REFERENCE_RE.exec(ref);
  const name = match?.[1] ?? "";
  return { name, tag: match?.[2], domain: domainOf(name) };
}

/** docker's split of a name into domain and path. */
export function domainOf(name: string): string {
  const slash = name.indexOf("/");
  const first = name.slice(0, slash);
  const isDomain = slash >= 0 && (/[.:]/.test(first) || first === "localhost" || first.toLowerCase() !== first);
  return isDomain ? first : "docker.io";
}

export const isTag = (value: string): boolean => TAG_RE.test(value);
export const isPathComponent = (value: string): boolean => PATH_COMPONENT_RE.test(value);
