/**
 * `save` of a podman manifest list: `podman save` would write only this
 * host's platform, silently. Until `save` writes indexes itself, a list is
 * refused, naming podman's command that writes the whole list as an OCI
 * archive, which --from-archive pushes with every platform.
 */
import type { ContainerTool, LocalImage } from "../engine/container-tool.ts";
import { findLocalLists } from "../engine/local-lists.ts";
import { failure } from "../core/errors.ts";
import type { SaveOptions } from "./save-options.ts";

export async function refuseLists(
  tool: ContainerTool,
  inspected: ReadonlyMap<string, LocalImage | undefined>,
  options: SaveOptions,
): Promise<void> {
  const lists = await findLocalLists(tool, tool.shell, inspected, options.platforms);
  const [first] = lists.keys();
  if (!first) return;
  throw failure(
    "SAVE_MULTI_PLATFORM",
    `${[...lists.keys()].join(", ")} ${lists.size === 1 ? "is a multi-platform image" : "are multi-platform images"} ` +
      "(manifest list), which save does not write yet; podman save would keep one platform only",
    `write each list with all its platforms: podman manifest push --all ${first} oci-archive:${options.output}:${first} ` +
      `(one file per list), then push it with --from-archive; save the other images with -i`,
  );
}
