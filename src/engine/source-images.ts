/**
 * The error for source images that are not in local storage: all of them in
 * one message, with the seed's hint, or the exact -p when docker holds them
 * under localhost/ (as loaded from a podman archive).
 */
import type { ContainerTool } from "./container-tool.ts";
import { failure, type PushImagesError } from "../core/errors.ts";

export async function sourceImagesMissing(
  tool: ContainerTool,
  sourcePath: string,
  missing: readonly string[],
  total: number,
): Promise<PushImagesError> {
  return failure(
    "SOURCE_IMAGE_MISSING",
    `${missing.length} of ${total} source image${total === 1 ? "" : "s"} not found in ${tool.name}'s local storage: ${missing.join(", ")}`,
    (await localhostHint(tool, sourcePath, missing)) ??
      `run '${tool.name} images' to see what is there (look for ${sourcePath}/<image>), then correct -p and -s, or load the images first`,
  );
}

async function localhostHint(tool: ContainerTool, sourcePath: string, missing: readonly string[]): Promise<string | undefined> {
  const [first] = missing;
  if (tool.name !== "docker" || !first || sourcePath.startsWith("localhost/")) return undefined;
  if ((await tool.imageId(`localhost/${first}`)) === undefined) return undefined;
  return `docker holds them as localhost/${sourcePath}/<image> (as loaded from a podman archive): add -p localhost/${sourcePath}`;
}
