/**
 * Reads a bed registry through its HTTP API (distribution v2), so tests
 * judge a push by what the registry holds, not by what the tool says.
 * Uses the registry's CA for TLS and its credentials for basic auth, or
 * for a token when the registry asks for one.
 */
import { httpGet, type HttpResponse } from "../../bed/http.ts";
import type { BedRegistry } from "./bed.ts";

/** Manifest types a push can produce: docker's (docker push) and OCI's (podman push). */
const MANIFEST_TYPES = ["application/vnd.docker.distribution.manifest.v2+json", "application/vnd.oci.image.manifest.v1+json"];

/** Index types: OCI's and docker's manifest list. */
const INDEX_TYPES = ["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"];

export interface PushedIndex {
  mediaType: string;
  digest: string;
  manifests: { digest: string; platform?: { os: string; architecture: string; variant?: string } }[];
}

export interface PushedManifest {
  mediaType: string;
  /** Digest of the manifest itself (Docker-Content-Digest). */
  digest: string;
  /** Digest of the image config: equals the local image id. */
  configDigest: string;
}

export class RegistryClient {
  constructor(readonly registry: BedRegistry) {}

  /** True when `/v2/` answers 200 (for the auth registry: with its credentials). */
  async ping(): Promise<boolean> {
    return (await this.#get("/v2/")).status === 200;
  }

  /** Tags of `repo`, sorted; [] when the repository does not exist. */
  async tags(repo: string): Promise<string[]> {
    const res = await this.#get(`/v2/${repo}/tags/list`);
    if (res.status === 404) return [];
    const body = this.#json<{ tags: string[] | null }>(res, `tags of ${repo}`);
    return [...(body.tags ?? [])].sort();
  }

  /** The manifest of `repo:ref`, or undefined when there is none. */
  async manifest(repo: string, ref: string): Promise<PushedManifest | undefined> {
    const res = await this.#get(`/v2/${repo}/manifests/${ref}`, { accept: MANIFEST_TYPES.join(", ") });
    if (res.status === 404) return undefined;
    const body = this.#json<{ mediaType?: string; config?: { digest?: string } }>(res, `manifest ${repo}:${ref}`);
    const mediaType = body.mediaType ?? String(res.headers["content-type"]);
    if (!MANIFEST_TYPES.includes(mediaType) || !body.config?.digest) {
      throw new Error(`manifest ${repo}:${ref} is ${mediaType}, not a single-image manifest with a config`);
    }
    return { mediaType, digest: String(res.headers["docker-content-digest"]), configDigest: body.config.digest };
  }

  /** The index (manifest list) at `repo:ref`, or undefined when the registry holds none there. */
  async index(repo: string, ref: string): Promise<PushedIndex | undefined> {
    const res = await this.#get(`/v2/${repo}/manifests/${ref}`, { accept: INDEX_TYPES.join(", ") });
    if (res.status === 404) return undefined;
    const body = this.#json<{ mediaType?: string; manifests?: PushedIndex["manifests"] }>(res, `index ${repo}:${ref}`);
    const mediaType = body.mediaType ?? String(res.headers["content-type"]);
    if (!INDEX_TYPES.includes(mediaType)) return undefined;
    return { mediaType, digest: String(res.headers["docker-content-digest"]), manifests: body.manifests ?? [] };
  }

  /** Every repository in the registry, following the catalog's pagination. */
  async catalog(): Promise<string[]> {
    const repositories: string[] = [];
    let next: string | undefined = "/v2/_catalog?n=1000";
    while (next) {
      const res = await this.#get(next);
      repositories.push(...(this.#json<{ repositories: string[] | null }>(res, "catalog").repositories ?? []));
      // Link: </v2/_catalog?last=x&n=1000>; rel="next"
      next = /<([^>]+)>;\s*rel="next"/.exec(String(res.headers.link ?? ""))?.[1];
    }
    return repositories.sort();
  }

  async #get(path: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    const { url, caFile, credentials } = this.registry;
    const res = await httpGet(`${url}${path}`, { headers, caFile, auth: credentials });
    const token = res.status === 401 ? await this.#token(String(res.headers["www-authenticate"] ?? "")) : undefined;
    return token ? httpGet(`${url}${path}`, { headers: { ...headers, authorization: `Bearer ${token}` }, caFile }) : res;
  }

  /** A token registry's (token-registry.ts): a token for what the challenge names, asked with the credentials. */
  async #token(challenge: string): Promise<string | undefined> {
    if (!/^Bearer /i.test(challenge)) return undefined;
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const realm = new URL(params.realm ?? "");
    if (params.service) realm.searchParams.set("service", params.service);
    for (const scope of (params.scope ?? "").split(" ").filter(Boolean)) realm.searchParams.append("scope", scope);
    const res = await httpGet(realm.toString(), { auth: this.registry.credentials });
    return res.status === 200 ? (JSON.parse(res.body) as { token?: string }).token : undefined;
  }

  #json<T>(res: HttpResponse, what: string): T {
    if (res.status !== 200) {
      throw new Error(`${this.registry.host}: ${what}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    }
    return JSON.parse(res.body) as T;
  }
}
