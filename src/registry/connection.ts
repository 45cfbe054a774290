/**
 * How to talk to the target registry's API: scheme, TLS choice, trusted
 * CAs and the stored credentials it accepted. Worked out once per run by
 * preflight and shared with plugins that call the registry's own API.
 */
import type { Runner } from "../runner.ts";
import { storedCredentials, type Credentials } from "./credentials.ts";
import { isInsecureForDocker } from "./docker-insecure.ts";
import { basicAuth, send, type HttpResponse, type RequestOptions } from "./http.ts";
import { probeRegistry } from "./probe.ts";
import { trustedCas } from "./trusted-cas.ts";

export interface RegistryConnection {
  /** `https://host[:port]` or, for an insecure registry, possibly `http://`. */
  readonly baseUrl: string;
  readonly credentials?: Credentials;
  /** A request to `baseUrl + path` with the same TLS choice and basic auth. */
  request(path: string, options?: Omit<RequestOptions, "verify" | "ca">): Promise<HttpResponse>;
}

export async function openRegistryConnection(runner: Runner): Promise<RegistryConnection> {
  const { options, tool, shell, env } = runner;
  const host = options.registry.host;
  // docker has no per-push TLS switch: what counts is whether dockerd itself
  // treats the registry as insecure.
  const insecure = tool.name === "docker" ? await isInsecureForDocker(host, await tool.registryConfig()) : !options.tlsVerify;
  const ca = trustedCas(tool.name, host);
  const { baseUrl, credentials } = await probeRegistry({
    host,
    tool: tool.name,
    verify: !insecure,
    httpAllowed: insecure,
    ca,
    credentials: () => storedCredentials(host, tool.name, env, shell),
  });
  return {
    baseUrl,
    credentials,
    request: (path, request = {}) =>
      send(`${baseUrl}${path}`, {
        ...request,
        verify: !insecure,
        ca,
        headers: { ...(credentials ? { Authorization: basicAuth(credentials.username, credentials.password) } : {}), ...request.headers },
      }),
  };
}
