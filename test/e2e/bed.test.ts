/** The bed itself: every part answers before any CLI test relies on it. */
import { describe, expect, it } from "vitest";
import { runRaw } from "../bed/run.ts";
import { useBed } from "./helpers/bed.ts";
import { RegistryClient } from "./helpers/registry-client.ts";

const bed = useBed();
const env = { ...process.env, ...bed.env };

describe("test bed", () => {
  it.each(Object.entries(bed.registries))("registry %s answers /v2/", async (_name, registry) => {
    expect(await new RegistryClient(registry).ping()).toBe(true);
  });

  it("the remote TLS registry is on a non-loopback address", () => {
    expect(bed.registries.remoteTls.host).toMatch(/^10\.231\.\d+\.2:\d+$/);
  });

  it("the auth registry refuses anonymous requests", async () => {
    const { credentials, ...anonymous } = bed.registries.auth;
    expect(credentials).toBeDefined();
    expect(await new RegistryClient(anonymous).ping()).toBe(false);
  });

  it("dockerd lists the loopback TLS registry, and not the remote one, as insecure", async () => {
    const r = await runRaw("docker", ["info", "--format", "{{json .RegistryConfig.IndexConfigs}}"], { env });
    expect(r.code).toBe(0);
    const configs = JSON.parse(r.stdout) as Record<string, { Secure: boolean }>;
    expect(configs[bed.registries.tls.host]?.Secure).toBe(false);
    expect(configs[bed.registries.remoteTls.host]).toBeUndefined();
  });

  it.each(["podman", "docker"] as const)("%s holds both image sets with the recorded ids", async (tool) => {
    for (const set of [bed.images.defaults, bed.images.alternate]) {
      const ids = tool === "podman" ? set.podmanIds : set.dockerIds;
      for (const image of bed.productImages) {
        const r = await runRaw(tool, ["image", "inspect", "--format", "{{.Id}}", `${set.path}/${image}:${set.tag}`], { env });
        expect(r.code, r.stderr).toBe(0);
        expect(`sha256:${r.stdout.trim().replace(/^sha256:/, "")}`).toBe(ids[image]);
      }
    }
  });

  it("every sample image is different", () => {
    const ids = [bed.images.defaults, bed.images.alternate].flatMap((set) => Object.values(set.podmanIds));
    expect(new Set(ids).size).toBe(2 * bed.productImages.length);
  });

  it("podman storage is the bed's own", async () => {
    const r = await runRaw("podman", ["info", "--format", "{{.Store.GraphRoot}}"], { env });
    expect(r.stdout.trim().startsWith(bed.root)).toBe(true);
  });
});
