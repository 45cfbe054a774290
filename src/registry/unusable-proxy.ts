/**
 * Proxy settings no request can go through, refused at the first request
 * (preflight's, before anything is touched) as invalid input: a variable
 * that holds no URL, and a proxy of a scheme this tool does not speak.
 * undici talks to HTTP proxies only; handed a `socks5://` one it would wait
 * for an HTTP answer that never comes, then blame the registry.
 */
import { inputError } from "../core/errors.ts";
import { maskedProxy, type ProxyDecision } from "./proxy-rules.ts";

const SPOKEN = new Set(["http:", "https:"]);

/** Throws for a route that cannot carry a request to `target`. */
export function refuseUnusableRoute(route: ProxyDecision, target: URL): void {
  if (route.via === "invalid") {
    const { name, value } = route.variable;
    throw inputError(
      "USAGE",
      `${name}=${JSON.stringify(value)} is not a proxy URL`,
      `set ${name} to http://HOST:PORT (or http://USER:PASSWORD@HOST:PORT), or unset it`,
    );
  }
  if (route.via === "proxy" && !SPOKEN.has(route.proxy.protocol)) {
    const scheme = route.proxy.protocol.slice(0, -1);
    throw inputError(
      "PROXY_UNSUPPORTED",
      `${route.variable} names the ${scheme} proxy ${shown(route.proxy)}; push-images speaks only to HTTP proxies (http:// or https://)`,
      `set ${route.variable} to the site's HTTP proxy (http://HOST:PORT), ` +
        `or connect directly: export NO_PROXY=${target.hostname} (or unset ${route.variable})`,
    );
  }
}

/** maskedProxy, but a socks5: URL has no origin ("null"): scheme and host, then. */
function shown(proxy: URL): string {
  return proxy.username || proxy.password ? maskedProxy(proxy) : `${proxy.protocol}//${proxy.host}`;
}
