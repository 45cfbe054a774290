/**
 * One small function per step of putting a blob and a manifest into a
 * repository, in the order the distribution API goes: HEAD (there
 * already?), mount from a repository known to hold it, POST to open an
 * upload, then PUT the bytes whole (size known), PATCH them in chunks
 * (a large blob: each chunk a request, so an interrupted upload can
 * continue from the last chunk's end: chunk-steps.ts) or PATCH
 * them as they are made (a layer compressed on the way) and PUT to close;
 * the manifest last.
 * Each answers with what it got or throws a coded error; retrying is the
 * caller's.
 */
import { Readable } from "node:stream";
import type { RegistryConnection } from "./connection.ts";
import type { HttpResponse, UploadBody } from "./http.ts";
import { statusFailure } from "./status-failure.ts";
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
export const pushScope = (name: string) => `repository:${name}:pull,push`;

export async function blobExists(registry: RegistryConnection, name: string, digest: string): Promise<boolean> {
  const response = await registry.request(`/v2/${name}/blobs/${digest}`, { method: "HEAD", scope: pushScope(name) });
  if (response.status === 200) return true;
  if (response.status === 404) return false;
  throw statusFailure(response, `checking for ${digest} in ${name}`, registry.login);
}

/** Answers to a mount that mean "not this way": the blob is uploaded instead. */
const MOUNT_REFUSED = new Set([401, 403, 404]);

/**
 * Asks the registry to mount `digest` from `from` into `name`: "mounted"
 * (201 naming `digest` in Docker-Content-Digest), "unconfirmed" (a 201
 * that names no digest or another), the Location of a new upload session when it would not (202: distribution
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
): Promise<"mounted" | "unconfirmed" | string | undefined> {
  const query = new URLSearchParams({ mount: digest, from });
  // The registry checks pull rights on `from` too (distribution: 401 insufficient_scope without them).
  const scope = `${pushScope(name)} repository:${from}:pull`;
  const response = await registry.request(`/v2/${name}/blobs/uploads/?${query}`, { method: "POST", scope });
  if (response.status === 201) return response.headers["docker-content-digest"] === digest ? "mounted" : "unconfirmed";
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
  body: () => UploadBody,
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
export function accepted(response: HttpResponse): boolean {
  return response.status === 202 || response.status === 201;
}

/** A Patience as the request options of a streamed upload. */
export function streamTimes({ idleMs, answerMs, onWaiting }: Patience) {
  return { idleMs, answerWaitMs: answerMs, onWaiting };
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

/** The upload Location an answer gives, checked (upload-location.ts). */
export function location(response: HttpResponse, name: string, registry: RegistryConnection): string {
  return uploadLocation(response.headers.location, new URL(registry.baseUrl).host, name);
}

function withDigest(session: string, digest: string): string {
  return `${session}${session.includes("?") ? "&" : "?"}digest=${encodeURIComponent(digest)}`;
}
