/**
 * A request whose body is a stream: a blob upload sent straight from its
 * place in the bundle, never held in memory. With `size` it goes with a
 * Content-Length (a monolithic PUT); without, chunked (a PATCH of a layer
 * compressed on the way). No byte either way for `idleMs` is a stall.
 */
import { exchange, type HttpResponse, type UploadBody } from "./http.ts";
import { directAgent, RegistryAgent } from "./registry-agent.ts";

export interface StreamRequest {
  readonly method: "PUT" | "PATCH";
  readonly headers: Record<string, string>;
  readonly body: UploadBody;
  /** Bytes the body holds; unknown (chunked) when undefined. */
  readonly size?: number;
  readonly verify: boolean;
  readonly ca?: readonly string[];
  readonly signal?: AbortSignal;
  /** No byte either way for this long ends the request with ETIMEDOUT. */
  readonly idleMs: number;
  /** The run's connections (its TLS choice, CAs and proxy); without one, a direct connection. */
  readonly agent?: RegistryAgent;
  /** Once the body is all sent, the wait for the answer (src/core/answer-wait.ts). */
  readonly answerWaitMs?: number;
  /** Called when that wait begins; what it returns is called when it ends. */
  readonly onWaiting?: () => (() => void) | void;
}

export function sendStream(
  url: string,
  { method, headers, body, size, verify, ca, signal, idleMs, agent, answerWaitMs, onWaiting }: StreamRequest,
): Promise<HttpResponse> {
  const allHeaders = {
    "Content-Type": "application/octet-stream",
    ...(size === undefined ? {} : { "Content-Length": String(size) }),
    ...headers,
  };
  const through = agent ?? (ca ? new RegistryAgent({ verify, ca, env: {} }) : directAgent(verify));
  return exchange(url, {
    method,
    headers: allHeaders,
    body,
    agent: through,
    signal,
    idleMs,
    bodyLimit: 64 * 1024,
    answerWaitMs,
    onWaiting,
  });
}
