/**
 * What the operator is told about proxies: with -v, once, which way the
 * tool's own requests take to the registry; when the registry cannot be
 * reached direct although a proxy is set, that NO_PROXY sent them there;
 * and with docker, that dockerd does not use our environment at all.
 */
import { maskedProxy, proxySettings, type ProxyDecision } from "./proxy-rules.ts";
import type { RegistryAgent } from "./registry-agent.ts";

/** One -v line: how requests to `host` go, over https and (if it differs) http. */
export function routeLine(agent: RegistryAgent, host: string): string {
  const https = describe(agent, agent.route(new URL(`https://${host}/`)));
  const http = describe(agent, agent.route(new URL(`http://${host}/`)));
  const ways = https === http ? https : `${https} over https, ${http} over http`;
  return `requests of push-images to ${host} go ${ways}`;
}

/** When NO_PROXY sent requests to an unreachable `host` past a proxy that is set: what to say and what to fix. */
export function unreachableHint(agent: RegistryAgent, host: string): { said: string; fix: string } | undefined {
  const route = [agent.route(new URL(`https://${host}/`)), agent.route(new URL(`http://${host}/`))].find(
    (r) => r.via === "direct" && r.because === "NO_PROXY",
  );
  if (route?.via !== "direct" || !route.noProxyEntry) return undefined;
  const noProxy = agent.settings.noProxy?.name ?? "NO_PROXY";
  const hostname = new URL(`https://${host}/`).hostname;
  return {
    said: ` (${route.variable} is set, but ${noProxy} entry "${route.noProxyEntry}" sends requests to ${hostname} direct, past the proxy)`,
    fix:
      `remove "${route.noProxyEntry}" from ${noProxy} if ${hostname} is reached through the proxy; ` +
      `else check that ${hostname} resolves and is reachable from this host`,
  };
}

/** -c docker with a proxy variable set: dockerd pushes with its own proxy settings, not ours. */
export function dockerProxyNote(env: NodeJS.ProcessEnv): string | undefined {
  const settings = proxySettings(env);
  const set = [settings.https, settings.http].filter((variable) => variable !== undefined).map((variable) => variable.name);
  if (set.length === 0) return undefined;
  return (
    `${set.join(" and ")} apply to the requests of push-images only: dockerd pushes with its own proxy settings ` +
    `("proxies" in /etc/docker/daemon.json, or HTTPS_PROXY in the docker service's environment; restart docker after a change)`
  );
}

function describe(agent: RegistryAgent, route: ProxyDecision): string {
  if (route.via === "proxy") return `through the proxy ${maskedProxy(route.proxy)} (${route.variable})`;
  if (route.via === "invalid") return `nowhere: ${route.variable.name} is not a proxy URL`;
  if (route.because === "loopback") return "direct (a loopback address is never proxied)";
  if (route.because === "CGI") return "direct (REQUEST_METHOD is set, so HTTP_PROXY is not used)";
  if (route.because === "NO_PROXY")
    return `direct (${agent.settings.noProxy?.name ?? "NO_PROXY"} entry "${route.noProxyEntry ?? ""}")`;
  return "direct (no proxy variable is set for it)";
}
