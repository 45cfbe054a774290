/**
 * The connections of one run to the registry (and its token server): one
 * undici dispatcher for one TLS choice and CA set, with keep-alive pools per
 * origin, that sends each request direct or through the proxy the run's
 * environment names for it (proxy-rules.ts).
 * - https targets go through the proxy in a CONNECT tunnel;
 * - http targets go to an http proxy in absolute form (`GET http://host/v2/`),
 *   as Go's transport (podman) sends them, not tunnelled.
 */
import type { Agent as UndiciAgent, Dispatcher, ProxyAgent as UndiciProxyAgent } from "undici";
import { proxyAuthorization, proxyFor, proxySettings, type ProxyDecision, type ProxySettings } from "./proxy-rules.ts";

export interface RegistryAgentOptions {
  /** Verify the server's certificate (https only). */
  readonly verify: boolean;
  /** PEM certificates to trust when verifying. */
  readonly ca?: readonly string[];
  /** Where the proxy variables are read: the run's environment, never process.env behind its back. */
  readonly env: NodeJS.ProcessEnv;
}

type UndiciParts = typeof import("./undici-parts.ts");

/** undici (and its WebAssembly parser) is loaded with the first request: --help, --version and save never pay for it. */
let undici: Promise<UndiciParts> | undefined;
const loadUndici = () => (undici ??= import("./undici-parts.ts"));

/** The agents of one RegistryAgent, made once undici is loaded. */
interface Agents {
  readonly parts: UndiciParts;
  readonly direct: UndiciAgent;
  readonly plainHttp: UndiciAgent;
  readonly dispatcher: Dispatcher;
}

export class RegistryAgent {
  readonly settings: ProxySettings;
  private agents?: Promise<Agents>;
  private readonly proxies = new Map<string, UndiciProxyAgent>();
  private readonly tls: { rejectUnauthorized: boolean; ca?: string[] };

  constructor(private readonly options: RegistryAgentOptions) {
    this.settings = proxySettings(options.env);
    this.tls = { rejectUnauthorized: options.verify, ...(options.verify && options.ca ? { ca: [...options.ca] } : {}) };
  }

  /** Where requests are dispatched: `(await dispatcher()).request(...)`. */
  async dispatcher(): Promise<Dispatcher> {
    this.agents ??= this.connect();
    return (await this.agents).dispatcher;
  }

  private async connect(): Promise<Agents> {
    const parts = await loadUndici();
    // No limit of connections per origin: uploads are bounded by the bundle
    // push's slots, and a request queued behind others would count its wait
    // against the stall timeout.
    const direct = new parts.Agent({ connect: this.tls });
    const plainHttp = sharedPlainHttp(this.options.env, parts);
    const dispatcher = direct.compose((dispatch) => (options, handler) => {
      const origin = new URL(String(options.origin));
      const route = this.route(origin);
      if (route.via === "proxy") return this.viaProxy(parts, route.proxy).dispatch(options, handler);
      return origin.protocol === "http:" ? plainHttp.dispatch(options, handler) : dispatch(options, handler);
    });
    return { parts, direct, plainHttp, dispatcher };
  }

  /** Where a request to `url` goes. */
  route(url: URL): ProxyDecision {
    return proxyFor(this.settings, url);
  }

  async close(): Promise<void> {
    if (!this.agents) return;
    const { direct, plainHttp } = await this.agents;
    await Promise.all([direct.close(), plainHttp.close(), ...[...this.proxies.values()].map((agent) => agent.close())]);
  }

  private viaProxy({ ProxyAgent }: UndiciParts, proxy: URL): UndiciProxyAgent {
    let agent = this.proxies.get(proxy.href);
    if (!agent) {
      const token = proxyAuthorization(proxy);
      // The proxy's certificate (an https:// proxy) is checked as the registry's is: Go's transport uses one TLS config for both.
      agent = new ProxyAgent({
        uri: proxy.href,
        ...(token ? { token } : {}),
        requestTls: this.tls,
        proxyTls: this.tls,
        proxyTunnel: false,
      });
      this.proxies.set(proxy.href, agent);
    }
    return agent;
  }
}

/**
 * Plain-HTTP connections carry no TLS choice: the agents of one run (one
 * env) share them, so the registry-type probe's connection to a plain-HTTP
 * registry is the one preflight goes on with, as with node:http's global agent.
 */
const plainHttpAgents = new WeakMap<NodeJS.ProcessEnv, UndiciAgent>();

function sharedPlainHttp(env: NodeJS.ProcessEnv, { Agent }: UndiciParts): UndiciAgent {
  let agent = plainHttpAgents.get(env);
  if (!agent || agent.closed) {
    agent = new Agent();
    plainHttpAgents.set(env, agent);
  }
  return agent;
}

/** Direct agents for requests made without a run's agent, one per TLS choice (the CAs are the system's). */
const plainAgents = new Map<boolean, RegistryAgent>();

export function directAgent(verify: boolean): RegistryAgent {
  let agent = plainAgents.get(verify);
  if (!agent) {
    agent = new RegistryAgent({ verify, env: {} });
    plainAgents.set(verify, agent);
  }
  return agent;
}
