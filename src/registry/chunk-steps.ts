/**
 * The chunk steps of an upload (chunked-upload.ts runs them): where a
 * session the registry opened stands, and one PATCH of a chunk or of the
 * rest of the blob as a stream, read as registries in the field answer it
 * (ECR's 201 and stuck Range, a refusal for the chunk's size, a session
 * the registry forgot).
 */
import { failure, type PushImagesError } from "../core/errors.ts";
import { accepted, location, pushScope, streamTimes, type Patience } from "./blob-steps.ts";
import { offsetFromRange } from "./chunk-plan.ts";
import type { RegistryConnection } from "./connection.ts";
import type { HttpResponse, UploadBody } from "./http.ts";
import { registryMessage, statusFailure } from "./status-failure.ts";

/** Where an upload session stands: its latest Location and the bytes the registry holds. */
export interface UploadSession {
  readonly location: string;
  readonly offset: number;
}

/**
 * Asks the registry where an upload session it opened earlier stands
 * (GET on its latest Location: 204 with `Range: 0-<last>`); the HTTP
 * status when it does not know it (distribution: 404 for a stale Location,
 * one stripped of its `_state`, or a session a cut PATCH ended).
 */
export async function uploadStatus(
  registry: RegistryConnection,
  name: string,
  session: string,
): Promise<UploadSession | { readonly status: number }> {
  // Asked where the session lives: a path on the registry, or an upload host (asked without the registry's login).
  const response = await registry.request(session, { method: "GET", scope: pushScope(name) });
  const offset = offsetFromRange(response.headers.range);
  if (response.status !== 204 || offset === undefined) return { status: response.status };
  const moved = response.headers.location;
  return { location: typeof moved === "string" && moved !== "" ? moved : session, offset };
}

/** One chunk of a chunked upload: `length` bytes of the blob, from the session's offset. */
export interface Chunk {
  readonly session: UploadSession;
  /** Opens the chunk's bytes afresh (a send refused for an expired token is sent again). */
  readonly body: () => UploadBody;
  readonly length: number;
}

/** A chunk the registry refused for its size or kind (chunk-limits.ts decides what next). */
export class ChunkRefused extends Error {
  constructor(
    readonly status: number,
    readonly said: string | undefined,
  ) {
    super(`the registry refused a chunk: HTTP ${status}${said ? ` (${said})` : ""}`);
  }
}

/**
 * PATCHes one chunk, with the Content-Range and Content-Length the
 * distribution API asks for; the session moves on to the Location the
 * answer gives. `signal` lets the caller keep a chunk going after the
 * run's first Ctrl-C. `refusedBy` says which statuses are a refusal of
 * the chunk itself (ChunkRefused) rather than a failure.
 */
export async function patchChunk(
  registry: RegistryConnection,
  name: string,
  { session, body, length }: Chunk,
  patience: Patience,
  signal: AbortSignal,
  refusedBy: (status: number) => boolean,
): Promise<UploadSession> {
  const end = session.offset + length;
  const headers = { "Content-Range": `${session.offset}-${end - 1}` };
  const request = {
    method: "PATCH",
    headers,
    body,
    size: length,
    ...streamTimes(patience),
    signal,
    scope: pushScope(name),
  } as const;
  const response = await registry.stream(session.location, request);
  return movedOn(response, registry, name, session.offset, end, refusedBy);
}

/**
 * PATCHes the rest of the blob as one stream, with no Content-Range and no
 * length (chunked transfer), as docker, podman and skopeo send a blob:
 * one request however large the blob, and a body that may end early
 * (Ctrl-C) as a whole request. `sent` says how many bytes the body
 * carried; the session moves on by that much (or by what the Range says).
 */
export async function patchStream(
  registry: RegistryConnection,
  name: string,
  { session, body }: Omit<Chunk, "length">,
  patience: Patience,
  signal: AbortSignal,
  refusedBy: (status: number) => boolean,
  sent: () => number,
): Promise<UploadSession> {
  const request = { method: "PATCH", headers: {}, body, ...streamTimes(patience), signal, scope: pushScope(name) } as const;
  const response = await registry.stream(session.location, request);
  return movedOn(response, registry, name, session.offset, session.offset + sent(), refusedBy);
}

/** The session after a PATCH that carried its bytes from `start` to `end`, read as registries in the field answer it. */
function movedOn(
  response: HttpResponse,
  registry: RegistryConnection,
  name: string,
  start: number,
  end: number,
  refusedBy: (status: number) => boolean,
): UploadSession {
  // A session the registry dropped mid-run (a restart that lost it): the retry asks, and starts afresh.
  if (response.status === 404) throw Object.assign(lostSession(name, response), { transient: true });
  // ECR answers a chunk sent again with BLOB_UPLOAD_INVALID (go-containerregistry#431): that session is done for.
  if (response.status === 400 && /BLOB_UPLOAD_INVALID/.test(response.body))
    throw Object.assign(lostSession(name, response), { transient: true });
  if (refusedBy(response.status)) throw new ChunkRefused(response.status, registryMessage(response.body));
  if (!accepted(response)) throw statusFailure(response, `uploading a chunk to ${name}`, registry.login);
  return { location: location(response, name, registry), offset: heldAfterChunk(response, start, end, name) };
}

/**
 * The bytes the registry holds after a chunk that ran from `start` to
 * `end`. Its `Range` says so (distribution: `0-<last byte>`) when it
 * advanced. ECR's stops at the first chunk's end and stays there while
 * every later chunk is stored (aws/containers-roadmap#2831, with a
 * byte-level check), and the spec leaves the header to the registry: a
 * Range missing, or not past `start`, counts the chunk as taken, as
 * Docker's and chalk's clients do. The final PUT is checked against the
 * digest by the registry, so a chunk it did not keep still cannot pass
 * as the blob. A Range short of `end` but past `start` is the registry
 * saying it kept part of the chunk: the rest is sent again from there.
 */
export function heldAfterChunk(response: HttpResponse, start: number, end: number, name: string): number {
  const held = offsetFromRange(response.headers.range);
  if (held === undefined || held <= start) return end;
  if (held <= end) return held;
  const what = `uploading a chunk to ${name}: the registry holds ${held} bytes of the upload after a chunk that ended at ${end}`;
  throw failure("PUSH_FAILED", what, "the registry does not keep chunked uploads as the distribution API says; report it");
}

function lostSession(name: string, response: HttpResponse): PushImagesError {
  const said = registryMessage(response.body);
  const what = `uploading a chunk to ${name}: the registry no longer knows the upload${said ? ` (${said})` : ""}`;
  return failure("PUSH_FAILED", what, "run push-images again: the blob starts afresh");
}
