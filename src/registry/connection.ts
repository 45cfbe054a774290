/**
 * How to talk to the target registry's API: scheme, TLS choice, trusted
 * CAs and the stored credentials it accepted. Worked out once per run by
 * preflight and shared with the up-to-date check and with plugins that call
 * the registry's own API. Requests answer bearer challenges themselves, with
 * one token per scope, renewed as it expires (bearer-tokens.ts).
 */
import type { ContainerTool } from "../engine/container-tool.ts";
import type { Shell } from "../engine/shell.ts";
import type { Options } from "../options/options.ts";
import type { Logger } from "../core/logger.ts";
import { authFiles } from "./auth-files.ts";
import { BearerTokens } from "./bearer-tokens.ts";
import { storedCredentials, type Credentials } from "./credentials.ts";
import { isInsecureForDocker } from "./docker-insecure.ts";
import { basicAuth, closeBody, send, type HttpResponse, type RequestOptions, type UploadBody } from "./http.ts";
import { sendStream, type StreamRequest } from "./http-stream.ts";
import { loginCommand } from "./login-command.ts";
import { probeRegistry } from "./probe.ts";
import { followsRedirects, sameOrigin, withRedirects } from "./redirects.ts";
import { RegistryAgent } from "./registry-agent.ts";
import { dockerProxyNote, routeLine } from "./route-text.ts";
import { trustedCas } from "./trusted-cas.ts";

export interface RegistryRequest extends Omit<RequestOptions, "verify" | "ca"> {
  /** Token scope to ask for if the registry challenges, e.g. `repository:apim/x:pull`. */
  readonly scope?: string;
}

export interface StreamingRequest extends Omit<StreamRequest, "verify" | "ca" | "signal" | "body"> {
  /** Ends the request; the run's first Ctrl-C when not given. */
  readonly signal?: AbortSignal;
  /** Token scope, as for `request`. */
  readonly scope: string;
  /** Opens the body's bytes from their start; called again for each send. */
  readonly body: () => UploadBody;
}

export interface RegistryConnection {
  /** `https://host[:port]` or, for an insecure registry, possibly `http://`. */
  readonly baseUrl: string;
  readonly credentials?: Credentials;
  /** The login command preflight's fixes name (its tool, -t, the user when known): every later login fix names it too. */
  readonly login: string;
  /**
   * A request to `path` (under baseUrl, or an absolute URL) with the same
   * TLS choice as the push, and its login only when it goes to the
   * registry's own origin. A GET or HEAD follows redirects, to any host,
   * and answers with where they end (redirects.ts).
   */
  request(path: string, options?: RegistryRequest): Promise<HttpResponse>;
  /**
   * A request with a streamed body (a blob upload) to `url` (absolute, or a
   * path under baseUrl), with the token for its scope; to another host (an
   * upload URL the spec lets a registry hand out) with no login. `body` makes the
   * bytes afresh each time: a request refused for an expired token is sent
   * again. It stops on the run's first Ctrl-C unless the caller passes a
   * `signal` of its own (a chunk allowed to finish, chunked-upload.ts).
   */
  stream(url: string, request: StreamingRequest): Promise<HttpResponse>;
  /**
   * A GET or HEAD of `path` as a client with no login sends it (a cluster
   * node without a pull secret): no stored credentials, only the token a
   * token server gives anyone. Redirects are followed as for `request`.
   */
  anonymous(path: string, request?: RegistryRequest): Promise<HttpResponse>;
}

/** What the connection is worked out from. */
export interface ConnectionParts {
  readonly options: Options;
  readonly tool: ContainerTool;
  /** Runs credential helpers. */
  readonly shell: Shell;
  readonly env: NodeJS.ProcessEnv;
  /** -v: which way the requests go (direct or through a proxy). */
  readonly log: Logger;
  /** --from-archive: no engine; TLS and logins are decided as podman would. */
  readonly engineless: boolean;
  /** The run's first Ctrl-C: every request stops with it. */
  readonly stopSignal: AbortSignal;
  /** performance.now() at the run's start: the probe's wait counts from there. */
  readonly startedAt: number;
}

export async function openRegistryConnection(runner: ConnectionParts): Promise<RegistryConnection> {
  const { options, tool, shell, env } = runner;
  const host = options.registry.host;
  // docker has no per-push TLS switch: what counts is whether dockerd itself
  // treats the registry as insecure. Pushes through the registry API decide
  // like podman: -t, and the CAs of either tool's certs.d.
  const viaDocker = tool.name === "docker" && !runner.engineless;
  const insecure = viaDocker ? await isInsecureForDocker(host, await tool.registryConfig()) : !options.tlsVerify;
  // Not read when nothing is verified: the system bundle is ~200 KB to parse.
  const ca = insecure ? undefined : trustedCas(runner.engineless ? ["podman", "docker"] : [tool.name], host, options.caFiles);
  // One agent for the run: pooled connections, the proxy the run's environment names.
  const agent = new RegistryAgent({ verify: !insecure, ca, env });
  runner.log.verbose(routeLine(agent, host));
  const dockerNote = viaDocker ? dockerProxyNote(env) : undefined;
  if (dockerNote) runner.log.verbose(dockerNote);
  // Logins: podman's files first, then docker's config.json and its helpers (src/registry/credentials.ts).
  const loginsOf = runner.engineless ? "podman" : tool.name;
  const { baseUrl, credentials, challenge } = await probeRegistry({
    host,
    registryPrefix: options.registry.prefix,
    stallMs: options.stallTimeoutMs,
    tool: loginsOf,
    verify: !insecure,
    httpAllowed: insecure,
    ca,
    caFiles: options.caFiles.map((file) => file.file),
    credentials: () => storedCredentials({ host, tool: loginsOf, tlsVerify: !insecure }, env, shell),
    credentialFiles: authFiles(loginsOf, env),
    signal: runner.stopSignal,
    agent,
    // The registry-type probe asked it first: its wait counts too.
    since: runner.startedAt,
  });
  const basic = credentials ? basicAuth(credentials.username, credentials.password) : undefined;
  const tls = { verify: !insecure, ca, agent, signal: runner.stopSignal };
  const call = (url: string, request: RegistryRequest, authorization?: string) =>
    send(url, { ...request, ...tls, headers: withAuthorization(authorization, request.headers) });
  // The registry's login and tokens go to its own origin only; any other host gets the request without them.
  const once = (url: string, request: RegistryRequest, home: boolean) =>
    home
      ? tokens.send(request.scope ?? "", (authorization) => call(url, request, authorization))
      : send(url, { ...request, ...tls, headers: withoutCredentials(request.headers) });
  const get = (url: string, authorization: string | undefined) => call(url, { method: "GET" }, authorization);
  const tokens = new BearerTokens({ baseUrl, basic, get, challenge });
  const anyonesTokens = new BearerTokens({ baseUrl, get: (url) => call(url, { method: "GET" }) });

  return {
    baseUrl,
    credentials,
    login: loginCommand(loginsOf, host, !insecure, credentials?.username),
    stream(url, { scope, body, signal = runner.stopSignal, ...request }) {
      const target = new URL(url, baseUrl).toString();
      const sendWith = async (headers: Record<string, string>) => {
        const bytes = body();
        try {
          return await sendStream(target, { ...request, ...tls, signal, body: bytes, headers });
        } finally {
          // A 401 can come before the body was read: stop reading it.
          closeBody(bytes);
        }
      };
      if (!sameOrigin(target, baseUrl)) return sendWith(withoutCredentials(request.headers));
      return tokens.send(scope, (authorization) => sendWith(withAuthorization(authorization, request.headers)));
    },
    anonymous(path, request = {}) {
      const anyone = (url: string, home: boolean) =>
        home
          ? anyonesTokens.send(request.scope ?? "", (authorization) => call(url, request, authorization))
          : send(url, { ...request, ...tls, headers: withoutCredentials(request.headers) });
      return withRedirects(new URL(path, baseUrl).toString(), baseUrl, anyone);
    },
    request(path, request = {}) {
      const target = new URL(path, baseUrl).toString();
      if (!followsRedirects(request.method ?? "GET")) return once(target, request, sameOrigin(target, baseUrl));
      return withRedirects(target, baseUrl, (url, home) => once(url, request, home));
    },
  };
}

/** The caller's headers without any Authorization: for a host that is not the registry. */
function withoutCredentials(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== "authorization"));
}

function withAuthorization(authorization: string | undefined, headers?: Record<string, string>): Record<string, string> {
  return { ...(authorization ? { Authorization: authorization } : {}), ...headers };
}
