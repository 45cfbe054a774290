/**
 * Which proxy a request of ours takes, decided from the run's environment
 * the way podman decides it: Go's `http.ProxyFromEnvironment`
 * (golang.org/x/net/http/httpproxy). Pure: the environment comes in, a
 * decision comes out, so the rules are tested as a table.
 * - `HTTPS_PROXY` for https URLs, `HTTP_PROXY` for http URLs; the upper-case
 *   name wins when both are set; an empty value counts as unset.
 * - `localhost` and loopback addresses are never proxied.
 * - `NO_PROXY`: `*`; `y.com` (y.com and its subdomains), `.y.com` and
 *   `*.y.com` (subdomains only); IP literals; CIDRs; any of them with `:port`.
 * - A proxy without a scheme is `http://`; `REQUEST_METHOD` (a CGI
 *   program) keeps `HTTP_PROXY` from being used.
 */
import { BlockList, isIP } from "node:net";

/** A proxy variable as set, and its URL when it parses. */
export interface ProxyVariable {
  readonly name: string;
  readonly value: string;
  readonly url?: URL;
}

export interface ProxySettings {
  readonly https?: ProxyVariable;
  readonly http?: ProxyVariable;
  /** The NO_PROXY (or no_proxy) variable, when set. */
  readonly noProxy?: { readonly name: string; readonly value: string };
  /** REQUEST_METHOD is set: HTTP_PROXY is not used (Go refuses it there: a client could have set it). */
  readonly cgi: boolean;
}

export type ProxyDecision =
  | { readonly via: "proxy"; readonly proxy: URL; readonly variable: string }
  | { readonly via: "direct"; readonly because: DirectReason; readonly variable?: string; readonly noProxyEntry?: string }
  /** The variable that applies does not hold a URL. */
  | { readonly via: "invalid"; readonly variable: ProxyVariable };

export type DirectReason = "no proxy variable" | "loopback" | "NO_PROXY" | "CGI";

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443", "socks5:": "1080" };
const PROXY_SCHEMES = new Set(["http:", "https:", "socks5:"]);

export function proxySettings(env: NodeJS.ProcessEnv): ProxySettings {
  const noProxy = firstSet(env, "NO_PROXY", "no_proxy");
  return {
    https: proxyVariable(firstSet(env, "HTTPS_PROXY", "https_proxy")),
    http: proxyVariable(firstSet(env, "HTTP_PROXY", "http_proxy")),
    noProxy,
    cgi: Boolean(env.REQUEST_METHOD),
  };
}

/** Where a request to `target` goes under `settings`. */
export function proxyFor(settings: ProxySettings, target: URL): ProxyDecision {
  const variable = target.protocol === "https:" ? settings.https : target.protocol === "http:" ? settings.http : undefined;
  if (!variable) return { via: "direct", because: "no proxy variable" };
  if (target.protocol === "http:" && settings.cgi) return { via: "direct", because: "CGI", variable: variable.name };
  const host = bareHost(target.hostname);
  const port = target.port || DEFAULT_PORTS[target.protocol] || "";
  if (host === "localhost" || isLoopback(host)) return { via: "direct", because: "loopback", variable: variable.name };
  const entry = settings.noProxy ? noProxyMatch(settings.noProxy.value, host, port) : undefined;
  if (entry !== undefined) return { via: "direct", because: "NO_PROXY", variable: variable.name, noProxyEntry: entry };
  if (!variable.url) return { via: "invalid", variable };
  return { via: "proxy", proxy: variable.url, variable: variable.name };
}

/** The proxy URL fit to print: the password (or a lone user name) replaced by `***`. */
export function maskedProxy(proxy: URL): string {
  if (!proxy.username && !proxy.password) return proxy.origin;
  const user = proxy.password ? `${proxy.username}:***` : "***";
  return `${proxy.protocol}//${user}@${proxy.host}`;
}

/** The Proxy-Authorization header the proxy URL's user information makes, as Go's transport sends it. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username && !proxy.password) return undefined;
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(credentials).toString("base64")}`;
}

function firstSet(env: NodeJS.ProcessEnv, ...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value) return { name, value };
  }
  return undefined;
}

function proxyVariable(set: { name: string; value: string } | undefined): ProxyVariable | undefined {
  if (!set) return undefined;
  return { ...set, url: parseProxy(set.value) };
}

/**
 * Go's parseProxy: a URL of a known scheme, or else `host[:port]` taken as
 * `http://host[:port]`. Where Go would also put `http://` before a value
 * that has a scheme of its own (and then dial a host named "http"), this
 * says the value is no proxy URL.
 */
function parseProxy(value: string): URL | undefined {
  const parsed = URL.canParse(value) ? new URL(value) : undefined;
  if (parsed && PROXY_SCHEMES.has(parsed.protocol) && parsed.hostname) return parsed;
  if (value.includes("://")) return undefined;
  const withScheme = URL.canParse(`http://${value}`) ? new URL(`http://${value}`) : undefined;
  return withScheme?.hostname ? withScheme : undefined;
}

/** The NO_PROXY entry that excludes `host:port`, or undefined. Entries that parse as nothing are skipped, as Go does. */
function noProxyMatch(noProxy: string, host: string, port: string): string | undefined {
  const ip = isIP(host) ? host : undefined;
  const entries = noProxy
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  if (entries.includes("*")) return "*";
  return entries.find((entry) => {
    const cidr = parseCidr(entry);
    if (cidr) return ip !== undefined && cidr.check(ip, isIP(ip) === 6 ? "ipv6" : "ipv4");
    const { entryHost, entryPort } = splitHostPort(entry);
    if (!entryHost) return false;
    if (entryPort && entryPort !== port) return false;
    if (isIP(entryHost)) return ip !== undefined && sameAddress(entryHost, ip);
    return domainMatches(entryHost, host);
  });
}

/** `y.com` matches y.com and *.y.com; `.y.com` and `*.y.com` only the subdomains. */
function domainMatches(entry: string, host: string): boolean {
  const pattern = entry.startsWith("*.") ? entry.slice(1) : entry;
  if (pattern.startsWith(".")) return host.endsWith(pattern);
  return host === pattern || host.endsWith(`.${pattern}`);
}

function parseCidr(entry: string): BlockList | undefined {
  const [address = "", bits, extra] = entry.split("/");
  const family = isIP(address);
  if (bits === undefined || extra !== undefined || family === 0 || !/^\d+$/.test(bits)) return undefined;
  const prefix = Number(bits);
  if (prefix > (family === 6 ? 128 : 32)) return undefined;
  const list = new BlockList();
  list.addSubnet(address, prefix, family === 6 ? "ipv6" : "ipv4");
  return list;
}

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 literal. */
function splitHostPort(entry: string): { entryHost: string; entryPort?: string } {
  const bracketed = /^\[([^\]]*)\]:(\d*)$/.exec(entry);
  if (bracketed) return { entryHost: bracketed[1] ?? "", entryPort: bracketed[2] };
  if (isIP(entry) === 6) return { entryHost: entry };
  const colon = entry.lastIndexOf(":");
  if (colon === -1) return { entryHost: entry };
  return { entryHost: entry.slice(0, colon), entryPort: entry.slice(colon + 1) };
}

function isLoopback(host: string): boolean {
  const family = isIP(host);
  if (family === 4) return host.startsWith("127.");
  return family === 6 && sameAddress(host, "::1");
}

function sameAddress(a: string, b: string): boolean {
  if (isIP(a) !== isIP(b)) return false;
  const list = new BlockList();
  list.addAddress(a, isIP(a) === 6 ? "ipv6" : "ipv4");
  return list.check(b, isIP(b) === 6 ? "ipv6" : "ipv4");
}

function bareHost(hostname: string): string {
  return hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
}
