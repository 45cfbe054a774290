/**
 * The product's seven images, each of three layers of random bytes (so
 * nothing compresses or deduplicates, as with real binaries), built FROM
 * scratch with podman: no network needed.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PodmanStorage } from "./podman-storage.ts";
import { mustRun } from "./processes.ts";
import { IMAGES, LAYERS_PER_IMAGE, sourceRef } from "./product.ts";

export async function buildImages(storage: PodmanStorage, workDir: string, layerBytes: number): Promise<void> {
  const context = join(workDir, "context");
  mkdirSync(context, { recursive: true });
  const layers = Array.from({ length: LAYERS_PER_IMAGE }, (_, i) => `layer-${i + 1}`);
  // One COPY per file: each becomes its own layer.
  writeFileSync(
    join(context, "Containerfile"),
    ["FROM scratch", ...layers.map((layer) => `COPY ${layer} /${layer}`)].join("\n") + "\n",
  );
  for (const image of IMAGES) {
    for (const layer of layers) writeFileSync(join(context, layer), randomBytes(layerBytes));
    await mustRun("podman", ["build", "--quiet", "--pull=never", "--tag", sourceRef(image), context], { env: storage.env });
  }
  rmSync(context, { recursive: true, force: true });
}
