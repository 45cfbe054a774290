/**
 * Preflight's look at the registry: does `/v2/` answer, over which scheme,
 * is its certificate trusted, and do the stored credentials work. Each
 * failure becomes the coded error the push would otherwise hit midway.
 */
import { failure, PushImagesError } from "../core/errors.ts";
import { httpOnlyFix, untrustedCertificateFix, wrongCaFileFix } from "./tls-hint.ts";
import { isUnknownIssuer, tlsReason } from "./tls-reason.ts";
import type { ContainerToolName } from "../options/product-defaults.ts";
import type { Credentials } from "./credentials.ts";
import { parseChallenge, tokenFrom, tokenUrl, type Challenge } from "./challenge.ts";
import { basicAuth, httpGet, type HttpResponse } from "./http.ts";
import { loginCommand, loginRejectedFix, loginRequiredFix } from "./login-command.ts";
import type { RegistryAgent } from "./registry-agent.ts";
import { unreachableHint } from "./route-text.ts";
import { certificateNameMismatch } from "./tls-name.ts";

export interface ProbeOptions {
  readonly host: string;
  readonly tool: ContainerToolName;
  /** Verify the certificate; false for podman -t and docker's insecure registries. */
  readonly verify: boolean;
  /** Plain HTTP is acceptable when HTTPS is not spoken. */
  readonly httpAllowed: boolean;
  /** Certificates to trust when verifying; none needed when not. */
  readonly ca?: readonly string[];
  /** The --ca-file files among `ca`: a certificate they do not vouch for gets a fix that says so. */
  readonly caFiles?: readonly string[];
  readonly credentials: () => Promise<Credentials | undefined>;
  /** Ends the probe at once (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** When the run began to wait for this registry (performance.now()): a timeout says how long that was. */
  readonly since?: number;
  /** --stall-timeout: how long /v2/ may send nothing before the registry is said to have stopped answering. */
  readonly stallMs?: number;
  /** -r as typed (`host[:port][/path]`), for fixes that name another host. */
  readonly registryPrefix?: string;
  /** The files searched for a stored login, named when none is found. */
  readonly credentialFiles?: readonly string[];
  /** The run's connections: its TLS choice, CAs and proxy. */
  readonly agent?: RegistryAgent;
}

export interface ProbeResult {
  readonly baseUrl: string;
  /** The stored credentials the registry accepted; none when it let us in anonymously. */
  readonly credentials?: Credentials;
  /** Where its bearer tokens come from, when it wants them: the run's first requests then ask for a token before, not after, a 401. */
  readonly challenge?: Challenge;
}

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ECONNRESET"]);
/** Failures to connect over https that an http attempt may get past; not a timeout, which would double the wait. */
const NO_HTTPS_CONNECTION = new Set([...UNREACHABLE].filter((code) => code !== "ETIMEDOUT"));
const NOT_TLS = /wrong version number|packet length too long|unknown protocol|ERR_SSL_WRONG_VERSION_NUMBER|EPROTO/i;

export async function probeRegistry(options: ProbeOptions): Promise<ProbeResult> {
  const started = options.since ?? performance.now();
  const networkError = (error: unknown, at: ProbeOptions) => probeNetworkError(error, at, (performance.now() - started) / 1000);
  let baseUrl = `https://${options.host}`;
  let response: HttpResponse;
  try {
    response = await get(`${baseUrl}/v2/`, options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    // With -t, an https attempt that cannot connect is tried over http, as podman does: a
    // plain-HTTP registry may be reachable only through HTTP_PROXY, with no HTTPS_PROXY set.
    if (options.httpAllowed && !(error instanceof PushImagesError) && NO_HTTPS_CONNECTION.has(code)) {
      baseUrl = `http://${options.host}`;
      response = await get(`${baseUrl}/v2/`, options).catch((overHttp: unknown) => {
        // A proxy's coded failure says more than the https attempt's; otherwise the https one, as before.
        throw networkError(overHttp instanceof PushImagesError ? overHttp : error, options);
      });
      return answered(baseUrl, response, options, networkError);
    }
    if (!NOT_TLS.test(`${code} ${(error as Error).message}`)) throw networkError(error, options);
    if (!options.httpAllowed) {
      throw failure(
        "REGISTRY_HTTP_ONLY",
        `${options.host} answers plain HTTP, not HTTPS`,
        httpOnlyFix(options.tool, options.host),
      );
    }
    baseUrl = `http://${options.host}`;
    response = await get(`${baseUrl}/v2/`, options).catch((e: unknown) => {
      throw networkError(e, options);
    });
  }
  return answered(baseUrl, response, options, networkError);
}

/** What `/v2/` answered at `baseUrl` means: in, a login to check, or a coded error. */
async function answered(
  baseUrl: string,
  response: HttpResponse,
  options: ProbeOptions,
  networkError: (error: unknown, at: ProbeOptions) => Error,
): Promise<ProbeResult> {
  if (response.status === 200) return { baseUrl };
  if (response.status === 401) {
    const credentials = await authenticate(baseUrl, response, options, networkError);
    const { scheme, realm, service } = parseChallenge(response);
    return { baseUrl, credentials, ...(scheme === "bearer" ? { challenge: { scheme, realm, service } } : {}) };
  }
  throw statusError(response.status, options.host);
}

function get(url: string, options: ProbeOptions, headers: Record<string, string> = {}): Promise<HttpResponse> {
  const { verify, ca, signal, agent, stallMs } = options;
  return httpGet(url, { verify, ca, headers, signal, agent, ...(stallMs ? { timeoutMs: stallMs } : {}) });
}

async function authenticate(
  baseUrl: string,
  challenge: HttpResponse,
  options: ProbeOptions,
  networkError: (error: unknown, at: ProbeOptions) => Error,
): Promise<Credentials> {
  const credentials = await options.credentials();
  if (!credentials) {
    const login = loginCommand(options.tool, options.host, options.verify);
    const where = options.credentialFiles?.length ? ` (looked in ${options.credentialFiles.join(", ")})` : "";
    const message = `${options.host} requires you to log in, and no stored credentials were found${where}`;
    throw failure("AUTH_REQUIRED", message, loginRequiredFix(login));
  }
  const basic = basicAuth(credentials.username, credentials.password);
  const parsed = parseChallenge(challenge);
  let authorization = basic;
  if (parsed.scheme === "bearer") {
    const realm = tokenUrl(parsed, baseUrl);
    const token = await get(realm, options, { Authorization: basic }).catch((e: unknown) => {
      throw networkError(e, { ...options, host: new URL(realm).host });
    });
    if (token.status === 401 || token.status === 403) throw rejected(options, credentials);
    if (token.status !== 200) throw statusError(token.status, new URL(realm).host);
    authorization = `Bearer ${tokenFrom(token) ?? ""}`;
  }
  const retry = await get(`${baseUrl}/v2/`, options, { Authorization: authorization }).catch((e: unknown) => {
    throw networkError(e, options);
  });
  if (retry.status === 401 || retry.status === 403) throw rejected(options, credentials);
  if (retry.status !== 200) throw statusError(retry.status, options.host);
  return credentials;
}

/** The fix logs in again as the same user. */
function rejected(options: ProbeOptions, credentials: Credentials) {
  const login = loginCommand(options.tool, options.host, options.verify, credentials.username);
  const message = `${options.host} rejected the stored credentials of user "${credentials.username}" (from ${credentials.source})`;
  return failure("AUTH_REJECTED", message, loginRejectedFix(login));
}

/** `seconds`: how long the probe had been waiting in all, which is what a timeout message must say. */
function probeNetworkError(error: unknown, options: ProbeOptions, seconds: number) {
  // The proxy's failures (http-errors.ts) are already coded, naming the proxy.
  if (error instanceof PushImagesError) return error;
  const idleMs = (error as { idleMs?: number }).idleMs;
  if (idleMs !== undefined) return stoppedAnswering(options.host, idleMs / 1000);
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const message = code === "ETIMEDOUT" ? `no answer after ${seconds.toFixed(0)}s` : (error as Error).message;
  if (UNREACHABLE.has(code)) {
    const direct = options.agent ? unreachableHint(options.agent, options.host) : undefined;
    return failure(
      "REGISTRY_UNREACHABLE",
      `cannot reach the registry ${options.host}: ${message}${direct?.said ?? ""}`,
      direct?.fix ?? `check that the registry is running and that ${options.host} is the right address and port`,
    );
  }
  const wrongName = certificateNameMismatch(error, options.host, options.registryPrefix ?? options.host);
  if (wrongName) return wrongName;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|certificate/i.test(`${code} ${message}`)) {
    const caFiles = options.caFiles ?? [];
    const wrongCa = caFiles.length > 0 && isUnknownIssuer(error);
    return failure(
      "TLS_UNTRUSTED",
      `the TLS certificate of ${options.host} is not trusted (${tlsReason(error)})`,
      wrongCa ? wrongCaFileFix(options.host, caFiles) : untrustedCertificateFix(options.tool, options.host),
    );
  }
  return failure(
    "REGISTRY_UNREACHABLE",
    `cannot talk to the registry ${options.host}: ${message}`,
    `check that ${options.host} is a container registry and that it is running`,
  );
}

/** The registry took the request and sent nothing back for --stall-timeout: not unreachable, hung (or a proxy before it is). */
function stoppedAnswering(host: string, seconds: number) {
  return failure(
    "REGISTRY_STALLED",
    `${host} took the connection but stopped answering: nothing came back for ${seconds}s (--stall-timeout)`,
    `check that the registry at ${host} runs and answers, and any proxy or load balancer before it; ` +
      `if the link is only slow, raise --stall-timeout (now ${seconds})`,
  );
}

function statusError(status: number, host: string) {
  if (status === 429)
    return failure(
      "RATE_LIMITED",
      `${host} is rate limiting requests (HTTP 429)`,
      "wait a few minutes and run push-images again",
    );
  if (status === 403)
    return failure("ACCESS_DENIED", `${host} denied access (HTTP 403)`, "ask the registry's administrator for access");
  if (status === 404)
    return failure(
      "REGISTRY_ERROR",
      `${host} has no registry API at /v2/ (HTTP 404)`,
      "check -r: it must name a container registry (OCI distribution API)",
    );
  return failure(
    "REGISTRY_ERROR",
    `${host} answered /v2/ with HTTP ${status}`,
    "the registry has a problem; check its logs or try again later",
  );
}
