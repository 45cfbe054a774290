/**
 * How each container tool is told to push to the bed's registries on
 * loopback (plain HTTP, or a stand-in proxy in front of one): podman needs
 * -t; dockerd already treats every 127.0.0.0/8 registry as insecure.
 */
export const LOOPBACK_FLAGS = {
  podman: ["-c", "podman", "-t"],
  docker: ["-c", "docker"],
} as const;

/** The flags that choose `images` tagged v1 under `sourcePath`, as podman and `save` take them. */
export function sourceFlags(sourcePath: string, images: readonly string[]): string[] {
  return ["-p", sourcePath, "-s", "v1", ...images.flatMap((image) => ["-i", image])];
}
