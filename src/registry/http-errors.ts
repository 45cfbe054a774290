/**
 * undici's errors as the rest of the tool knows them. Callers (preflight's
 * probe, the bundle push's retry rules) decide by Node's error codes
 * (ECONNREFUSED, ENOTFOUND, ETIMEDOUT, ...), as node:http gave them; undici
 * wraps some in UND_ERR_* errors. The proxy's own failures become coded
 * errors that name the proxy and the setting to fix, since no registry
 * message would explain them.
 */
import { failure, type PushImagesError } from "../core/errors.ts";
import { maskedProxy, type ProxyDecision } from "./proxy-rules.ts";

type Coded = Error & { code?: string; cause?: unknown };

const TIMEOUTS = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);
const CLOSED = new Set(["UND_ERR_SOCKET", "UND_ERR_CLOSED", "UND_ERR_DESTROYED"]);
/** Failures to open a connection: through a proxy, the connection is to the proxy. */
const CONNECT_FAILURES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
/** What a proxy answers when it cannot reach or resolve the host it was asked for. */
export const PROXY_GATEWAY_STATUSES = new Set([502, 503, 504]);

/** `error` with a Node-style code, or a coded error about the proxy `route` took. */
export function normalizedError(error: unknown, target: URL, route: ProxyDecision): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const coded = error as Coded;
  const code = coded.code ?? "";
  if (route.via === "proxy") {
    const status = /Proxy response \((\d+)\)/.exec(coded.message)?.[1] ?? (/\(407\)/.test(coded.message) ? "407" : undefined);
    if (status !== undefined) return proxyRefused(Number(status), target, route);
    const cause = code === "UND_ERR_PRX_TLS" ? (coded.cause as Coded | undefined) : coded;
    if (cause && (CONNECT_FAILURES.has(cause.code ?? "") || code === "UND_ERR_PRX_TLS")) return proxyUnreachable(cause, route);
  }
  if (TIMEOUTS.has(code)) return withCode(coded, "ETIMEDOUT");
  if (CLOSED.has(code)) {
    const cause = coded.cause as Coded | undefined;
    return withCode(coded, cause?.code && !cause.code.startsWith("UND_ERR") ? cause.code : "ECONNRESET");
  }
  return coded;
}

/** A response the proxy gave in the registry's place (an http target through HTTP_PROXY). */
export function proxyGatewayError(
  status: number,
  target: URL,
  route: ProxyDecision & { via: "proxy" },
): PushImagesError & { transient: boolean } {
  return proxyRefused(status, target, route);
}

function proxyRefused(
  status: number,
  target: URL,
  route: ProxyDecision & { via: "proxy" },
): PushImagesError & { transient: boolean } {
  const proxy = `the proxy ${maskedProxy(route.proxy)} (from ${route.variable})`;
  if (status === 407) return Object.assign(proxyLoginError(proxy, target, route), { transient: false });
  const error = failure(
    "PROXY_CANNOT_REACH_REGISTRY",
    `${proxy} could not reach ${target.host} (HTTP ${status})`,
    `check that the proxy can resolve and reach ${target.hostname}, or add ${target.hostname} to NO_PROXY to connect to it directly`,
  );
  // The proxy's own trouble with the registry may pass, as a registry's 5xx may.
  return Object.assign(error, { transient: true });
}

/** HTTP 407: no login in the variable, or one the proxy refused (a wrong password, or one not percent-encoded). */
function proxyLoginError(proxy: string, target: URL, route: ProxyDecision & { via: "proxy" }): PushImagesError {
  const { username } = route.proxy;
  const example = `${route.variable}='http://${username || "USER"}:PASSWORD@${route.proxy.host}'`;
  if (!username) {
    return failure(
      "PROXY_AUTH_REQUIRED",
      `${proxy} wants credentials (HTTP 407) to reach ${target.host}`,
      `put the proxy's user and password into ${route.variable}: export ${example}`,
    );
  }
  return failure(
    "PROXY_AUTH_REJECTED",
    `${proxy} refused the credentials of user "${decodeURIComponent(username)}" (HTTP 407) to reach ${target.host}`,
    `put the right password into ${route.variable}, with @ : / % # ? in it written %40 %3A %2F %25 %23 %3F: export ${example}`,
  );
}

function proxyUnreachable(cause: Coded, route: ProxyDecision & { via: "proxy" }): PushImagesError & { transient: boolean } {
  const error = failure(
    "PROXY_UNREACHABLE",
    `cannot connect to the proxy ${maskedProxy(route.proxy)} (from ${route.variable}): ${cause.message}`,
    `check ${route.variable} (HTTPS_PROXY for https registries, HTTP_PROXY for http ones), ` +
      "or add the registry's host to NO_PROXY to connect directly",
  );
  return Object.assign(error, { transient: true });
}

function withCode(error: Coded, code: string): Error {
  return Object.assign(new Error(error.message, { cause: error }), { code });
}
