/**
 * How to talk to the target registry's API: scheme, TLS choice, trusted
 * CAs and the stored credentials it accepted. Worked out once per run by
 * preflight and shared with the up-to-date check and with plugins that call
 * the registry's own API. Requests answer bearer challenges themselves, with
 * one token per scope.
 */
import type { Runner } from "../runner.ts";
import { parseChallenge, tokenFrom, tokenUrl } from "./challenge.ts";
import { authFiles } from "./auth-files.ts";
import { storedCredentials, type Credentials } from "./credentials.ts";
import { isInsecureForDocker } from "./docker-insecure.ts";
import { basicAuth, send, type HttpResponse, type RequestOptions } from "./http.ts";
import { sendStream, type StreamRequest } from "./http-stream.ts";
import { probeRegistry } from "./probe.ts";
import { trustedCas } from "./trusted-cas.ts";

export interface RegistryRequest extends Omit<RequestOptions, "verify" | "ca"> {
  /** Token scope to ask for if the registry challenges, e.g. `repository:apim/x:pull`. */
  readonly scope?: string;
}

export interface RegistryConnection {
  /** `https://host[:port]` or, for an insecure registry, possibly `http://`. */
  readonly baseUrl: string;
  readonly credentials?: Credentials;
  /** A request to `baseUrl + path` with the same TLS choice and login as the push. */
  request(path: string, options?: RegistryRequest): Promise<HttpResponse>;
  /**
   * A request with a streamed body (a blob upload) to `url` (absolute, or a
   * path under baseUrl), with the token a `request` for the same scope got.
   * A body cannot be sent twice: a 401 comes back as it is. It stops on
   * the run's first Ctrl-C unless the caller passes a `signal` of its own
   * (a chunk allowed to finish, src/registry/chunked-upload.ts).
   */
  stream(url: string, request: Omit<StreamRequest, "verify" | "ca"> & { readonly scope: string }): Promise<HttpResponse>;
}

export async function openRegistryConnection(runner: Runner): Promise<RegistryConnection> {
  const { options, tool, shell, env } = runner;
  const host = options.registry.host;
  // docker has no per-push TLS switch: what counts is whether dockerd itself
  // treats the registry as insecure. Pushes through the registry API decide
  // like podman: -t, and the CAs of either tool's certs.d.
  const viaDocker = tool.name === "docker" && !runner.engineless;
  const insecure = viaDocker ? await isInsecureForDocker(host, await tool.registryConfig()) : !options.tlsVerify;
  // Not read when nothing is verified: the system bundle is ~200 KB to parse.
  const ca = insecure ? undefined : trustedCas(runner.engineless ? ["podman", "docker"] : [tool.name], host, options.caFiles);
  // Logins: podman's files first, then docker's config.json and its helpers (src/registry/credentials.ts).
  const loginsOf = runner.engineless ? "podman" : tool.name;
  const { baseUrl, credentials } = await probeRegistry({
    host,
    tool: runner.engineless ? "podman" : tool.name,
    verify: !insecure,
    httpAllowed: insecure,
    ca,
    caFiles: options.caFiles.map((file) => file.file),
    credentials: () => storedCredentials({ host, tool: loginsOf, tlsVerify: !insecure }, env, shell),
    credentialFiles: authFiles(loginsOf, env),
    signal: runner.stopSignal,
    // The registry-type probe asked it first: its wait counts too.
    since: runner.startedAt,
  });
  const basic = credentials ? basicAuth(credentials.username, credentials.password) : undefined;
  const tokens = new Map<string, string>();
  const call = (url: string, request: RegistryRequest, authorization?: string) =>
    send(url, { ...request, verify: !insecure, ca, signal: runner.stopSignal, headers: { ...(authorization ? { Authorization: authorization } : {}), ...request.headers } });

  return {
    baseUrl,
    credentials,
    stream(url, { scope, signal = runner.stopSignal, ...request }) {
      const token = tokens.get(scope);
      const authorization = token ? `Bearer ${token}` : basic;
      const headers = { ...(authorization ? { Authorization: authorization } : {}), ...request.headers };
      return sendStream(new URL(url, baseUrl).toString(), { ...request, headers, verify: !insecure, ca, signal });
    },
    async request(path, request = {}) {
      const scope = request.scope ?? "";
      const token = tokens.get(scope);
      const first = await call(`${baseUrl}${path}`, request, token ? `Bearer ${token}` : basic);
      if (first.status !== 401) return first;
      const challenge = parseChallenge(first);
      if (challenge.scheme !== "bearer") return first;
      const answer = await call(tokenUrl(challenge, baseUrl, challenge.scope ?? request.scope), { method: "GET" }, basic);
      const fresh = answer.status === 200 ? tokenFrom(answer) : undefined;
      if (!fresh) return first;
      tokens.set(scope, fresh);
      return call(`${baseUrl}${path}`, request, `Bearer ${fresh}`);
    },
  };
}
