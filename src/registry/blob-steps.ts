/**
 * One small function per step of putting a blob and a manifest into a
 * repository, in the order the distribution API goes: HEAD (there
 * already?), mount from a repository known to hold it, POST to open an
 * upload, then PUT the bytes whole (size known), PATCH them in chunks
 * (a large blob: each chunk a request, so an interrupted upload can
 * continue from the last chunk's end, GET telling where that is) or PATCH
 * them as they are made (a layer compressed on the way) and PUT to close;
 * the manifest last.
 * Each answers with what it got or throws a coded error; retrying is the
 * caller's.
 */
import { Readable } from "node:stream";
import { failure, type PushImagesError } from "../core/errors.ts";
import { retryAfterHeaderMs } from "../core/retry.ts";
import { offsetFromRange } from "./chunk-plan.ts";
import type { RegistryConnection } from "./connection.ts";
import type { HttpResponse } from "./http.ts";
import { loginRejectedFix } from "./login-command.ts";
import { uploadLocation } from "./upload-location.ts";

/**
 * How long a blob request may go without a byte either way: `idleMs` while
 * its body goes, `answerMs` once it is all sent (src/core/answer-wait.ts),
 * `onWaiting` called when that wait begins (what it returns, when it ends).
 */
export interface Patience {
  readonly idleMs: number;
  readonly answerMs: number;
  readonly onWaiting?: () => (() => void) | void;
}

/** The token scope every step of a push to `name` asks for. */
const pushScope = (name: string) => `repository:${name}:pull,push`;

export async function blobExists(registry: RegistryConnection, name: string, digest: string): Promise<boolean> {
  const response = await registry.request(`/v2/${name}/blobs/${digest}`, { method: "HEAD", scope: pushScope(name) });
  if (response.status === 200) return true;
  if (response.status === 404) return false;
  throw statusFailure(response, `checking for ${digest} in ${name}`, registry.login);
}

/** Answers to a mount that mean "not this way": the blob is uploaded instead. */
const MOUNT_REFUSED = new Set([401, 403, 404]);

/**
 * Asks the registry to mount `digest` from `from` into `name`: "mounted",
 * the Location of a new upload session when it would not (202: distribution
 * across projects it may not read, ECR for a blob no manifest references),
 * or undefined when it refused outright (Harbor: 401 for a project the
 * robot cannot read, goharbor/harbor#17097; Docker Hub: pull scope on the
 * source, go-containerregistry#1681; Quay: 404). A refused mount is no
 * login problem: the blob is uploaded.
 */
export async function mountBlob(
  registry: RegistryConnection,
  name: string,
  digest: string,
  from: string,
): Promise<"mounted" | string | undefined> {
  const query = new URLSearchParams({ mount: digest, from });
  // The registry checks pull rights on `from` too (distribution: 401 insufficient_scope without them).
  const scope = `${pushScope(name)} repository:${from}:pull`;
  const response = await registry.request(`/v2/${name}/blobs/uploads/?${query}`, { method: "POST", scope });
  if (response.status === 201) return "mounted";
  if (response.status === 202) return location(response, name, registry);
  if (MOUNT_REFUSED.has(response.status)) return undefined;
  throw statusFailure(response, `mounting ${digest} into ${name}`, registry.login);
}

/** Opens an upload session; its Location. */
export async function startUpload(registry: RegistryConnection, name: string): Promise<string> {
  return (await openUpload(registry, name)).location;
}

/** Opens an upload session: its Location and the answer's headers (OCI-Chunk-Min-Length). */
export async function openUpload(
  registry: RegistryConnection,
  name: string,
): Promise<{ location: string; answer: HttpResponse }> {
  const response = await registry.request(`/v2/${name}/blobs/uploads/`, { method: "POST", scope: pushScope(name) });
  if (response.status === 202) return { location: location(response, name, registry), answer: response };
  throw statusFailure(response, `starting an upload to ${name}`, registry.login);
}

/** The whole blob in one PUT: one round trip for the data. */
export async function putWhole(
  registry: RegistryConnection,
  name: string,
  session: string,
  digest: string,
  size: number,
  body: () => Readable,
  patience: Patience,
): Promise<void> {
  const response = await registry.stream(withDigest(session, digest), {
    method: "PUT",
    headers: {},
    body,
    size,
    ...streamTimes(patience),
    scope: pushScope(name),
  });
  if (response.status !== 201) throw statusFailure(response, `uploading ${digest} to ${name}`, registry.login);
}

/** Bytes whose digest is known only at their end: PATCH them as they come (chunked), then PUT the digest. */
export async function putStreamed(
  registry: RegistryConnection,
  name: string,
  session: string,
  body: () => Readable,
  digestAtEnd: () => string,
  patience: (sent: "patch" | "close") => Patience,
): Promise<void> {
  const patch = { method: "PATCH", headers: {}, body, ...streamTimes(patience("patch")), scope: pushScope(name) } as const;
  const patched = await registry.stream(session, patch);
  if (!accepted(patched)) throw statusFailure(patched, `uploading a layer to ${name}`, registry.login);
  await closeUpload(registry, name, location(patched, name, registry), digestAtEnd(), patience("close"));
}

/** ECR answers a PATCH with 201, not the 202 the distribution API names (regclient scheme/reg/blob.go): both mean taken. */
function accepted(response: HttpResponse): boolean {
  return response.status === 202 || response.status === 201;
}

function streamTimes({ idleMs, answerMs, onWaiting }: Patience) {
  return { idleMs, answerWaitMs: answerMs, onWaiting };
}

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
  readonly body: () => Readable;
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
  // A session the registry dropped mid-run (a restart that lost it): the retry asks, and starts afresh.
  if (response.status === 404) throw Object.assign(lostSession(name, response), { transient: true });
  // ECR answers a chunk sent again with BLOB_UPLOAD_INVALID (go-containerregistry#431): that session is done for.
  if (response.status === 400 && /BLOB_UPLOAD_INVALID/.test(response.body))
    throw Object.assign(lostSession(name, response), { transient: true });
  if (refusedBy(response.status)) throw new ChunkRefused(response.status, registryMessage(response.body));
  if (!accepted(response)) throw statusFailure(response, `uploading a chunk to ${name}`, registry.login);
  return { location: location(response, name, registry), offset: heldAfterChunk(response, session.offset, end, name) };
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

/**
 * Closes an upload whose bytes are all there: a PUT with the digest and no
 * body. The registry may take long to answer (it moves the whole blob into
 * place): `patience.answerMs` is the blob's.
 */
export async function closeUpload(
  registry: RegistryConnection,
  name: string,
  session: string,
  digest: string,
  patience: Patience,
) {
  const request = {
    method: "PUT",
    headers: {},
    body: () => Readable.from([]),
    size: 0,
    ...streamTimes(patience),
    scope: pushScope(name),
  } as const;
  const closed = await registry.stream(withDigest(session, digest), request);
  if (closed.status !== 201) throw statusFailure(closed, `closing the upload of ${digest} to ${name}`, registry.login);
}

function lostSession(name: string, response: HttpResponse): PushImagesError {
  const said = registryMessage(response.body);
  const what = `uploading a chunk to ${name}: the registry no longer knows the upload${said ? ` (${said})` : ""}`;
  return failure("PUSH_FAILED", what, "run push-images again: the blob starts afresh");
}

/** PUTs the manifest under `tag`; the digest the registry gives it. */
export async function putManifest(
  registry: RegistryConnection,
  name: string,
  tag: string,
  manifest: { mediaType: string; bytes: Buffer },
): Promise<string | undefined> {
  const response = await registry.request(`/v2/${name}/manifests/${encodeURIComponent(tag)}`, {
    method: "PUT",
    headers: { "Content-Type": manifest.mediaType },
    body: manifest.bytes.toString("utf8"),
    scope: pushScope(name),
  });
  if (response.status !== 201) throw statusFailure(response, `putting the manifest of ${name}:${tag}`, registry.login);
  const digest = response.headers["docker-content-digest"];
  return typeof digest === "string" ? digest : undefined;
}

function location(response: HttpResponse, name: string, registry: RegistryConnection): string {
  return uploadLocation(response.headers.location, new URL(registry.baseUrl).host, name);
}

function withDigest(session: string, digest: string): string {
  return `${session}${session.includes("?") ? "&" : "?"}digest=${encodeURIComponent(digest)}`;
}

/** HTTP statuses of the distribution API as our coded errors; `transient` ones are retried, after `retryAfterMs` when the registry said. */
export function statusFailure(
  response: HttpResponse,
  doing: string,
  login: string,
): PushImagesError & { transient?: boolean; retryAfterMs?: number } {
  const { status } = response;
  const said = registryMessage(response.body);
  const what = `${doing}: HTTP ${status}${said ? ` (${said})` : ""}`;
  if (status === 401) return failure("AUTH_REJECTED", what, loginRejectedFix(login));
  if (status === 403)
    return failure("ACCESS_DENIED", what, "ask the registry's administrator for push rights to this repository");
  if (status === 404)
    return failure(
      "REPOSITORY_NOT_FOUND",
      what,
      "create the project or repository first (Harbor: --create-project; ECR: --create-repositories)",
    );
  if (status === 429) {
    // Docker Hub and others say how long to wait; the retry waits that long (bounded, retry.ts).
    const retryAfterMs = retryAfterHeaderMs(response.headers["retry-after"]);
    return Object.assign(failure("RATE_LIMITED", what, "wait a few minutes and run push-images again"), {
      transient: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status >= 500)
    return Object.assign(
      failure("REGISTRY_ERROR", what, "the registry has a problem; check its logs, then run push-images again"),
      { transient: true },
    );
  return failure("PUSH_FAILED", what, "run again with -v; if it recurs, check the registry's logs");
}

function registryMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ code?: string; message?: string }> };
    const first = parsed.errors?.[0];
    return first ? [first.code, first.message].filter(Boolean).join(": ") : undefined;
  } catch {
    return undefined;
  }
}
