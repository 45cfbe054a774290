/**
 * An image no storage holds yet, for tests of what a load brings in: built
 * by podman from random bytes (no network), and copied into dockerd under
 * the same name when the test needs it there.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { testDir, tool, toolRaw, type Tool } from "./local-tools.ts";

/** Builds `ref` (`path/image:tag`) in `where`'s storage; returns its id (`sha256:...`). */
export async function freshImage(where: Tool, ref: string): Promise<string> {
  const ctx = join(testDir(), "ctx");
  mkdirSync(ctx);
  writeFileSync(join(ctx, "payload"), randomBytes(2048));
  writeFileSync(join(ctx, "Containerfile"), `FROM scratch\nCOPY payload /payload\n`);
  await tool("podman", ["build", "--quiet", "--pull=never", "--tag", ref, ctx]);
  const id = withAlgorithm(await tool("podman", ["image", "inspect", "--format", "{{.Id}}", ref]));
  if (where === "docker") {
    const tar = join(ctx, "image.tar");
    await tool("podman", ["save", "--format", "docker-archive", "-o", tar, ref]);
    await forget("podman", id);
    await tool("docker", ["load", "-i", tar]);
    // podman saved the short name as localhost/<ref>; a vendor's docker image has the plain name.
    await tool("docker", ["tag", `localhost/${ref}`, ref]);
    await tool("docker", ["image", "rm", `localhost/${ref}`]);
  }
  return id;
}

/** Removes the image `id` with all its names, if `name`'s storage has it. */
export async function forget(name: Tool, id: string): Promise<void> {
  await toolRaw(name, name === "podman" ? ["rmi", "--force", id] : ["image", "rm", "--force", id]);
}

/** Whether `name`'s storage holds the image `id`. */
export async function holdsImage(name: Tool, id: string): Promise<boolean> {
  return (await toolRaw(name, ["image", "inspect", id])).code === 0;
}

/** The id `ref` names in `name`'s storage. */
export async function idOf(name: Tool, ref: string): Promise<string> {
  return withAlgorithm(await tool(name, ["image", "inspect", "--format", "{{.Id}}", ref]));
}

function withAlgorithm(id: string): string {
  return id.startsWith("sha256:") ? id : `sha256:${id}`;
}
