/**
 * What a registry loses after the push (garbage collection, a broken
 * mount, someone's clean-up), made by the API's own DELETE: the bed's
 * registries have deletes enabled. A blob DELETE unlinks it from that one
 * repository; other tests' repositories keep theirs.
 */
import http from "node:http";
import { httpGet } from "../../bed/http.ts";
import type { BedRegistry } from "./bed.ts";

const ACCEPT = ["application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"].join(", ");

/** Deletes the first layer of `repo:tag` from `repo`; its digest. */
export async function deleteFirstLayer(registry: BedRegistry, repo: string, tag: string): Promise<string> {
  const manifest = await httpGet(`${registry.url}/v2/${repo}/manifests/${tag}`, { headers: { accept: ACCEPT } });
  const layer = (JSON.parse(manifest.body) as { layers: Array<{ digest: string }> }).layers[0]?.digest;
  if (!layer) throw new Error(`${repo}:${tag} names no layer: ${manifest.body}`);
  await deleteOnce(`${registry.url}/v2/${repo}/blobs/${layer}`);
  return layer;
}

/** Deletes the manifest `repo:tag` names (by its digest, as the API wants). */
export async function deleteManifest(registry: BedRegistry, repo: string, tag: string): Promise<void> {
  const manifest = await httpGet(`${registry.url}/v2/${repo}/manifests/${tag}`, { headers: { accept: ACCEPT } });
  await deleteOnce(`${registry.url}/v2/${repo}/manifests/${String(manifest.headers["docker-content-digest"])}`);
}

function deleteOnce(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "DELETE" }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 202 ? resolve() : reject(new Error(`DELETE ${url}: HTTP ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end();
  });
}
