/**
 * A private dockerd for the docker pushes (the test bed's, test/bed/dockerd.ts:
 * own data root and socket, no bridge, no iptables), and the copy of an image
 * set into it from a podman storage, under the same names.
 */
import { join } from "node:path";
import { Cleanup as BedCleanup } from "../test/bed/cleanup.ts";
import { startDockerd } from "../test/bed/dockerd.ts";
import type { Cleanup } from "./cleanup.ts";
import type { PodmanStorage } from "./podman-storage.ts";
import { mustRun, timed } from "./processes.ts";

export interface DockerEngine {
  /** The environment docker, the seed loop and the tool run under (DOCKER_HOST). */
  readonly env: NodeJS.ProcessEnv;
}

export async function startDockerEngine(dir: string, cleanup: Cleanup): Promise<DockerEngine> {
  const bed = new BedCleanup();
  cleanup.add(`stop dockerd in ${dir}`, () => bed.run());
  // dockerd treats 127.0.0.0/8 as insecure on its own: the fresh registries and proxies need nothing more.
  const { dockerHost } = await startDockerd(dir, [], bed);
  return { env: { ...process.env, DOCKER_HOST: dockerHost, NO_COLOR: "1" } };
}

/** Copies `refs` from podman into dockerd (podman save | docker load), named as in podman. */
export async function loadIntoDocker(
  engine: DockerEngine,
  storage: PodmanStorage,
  refs: readonly string[],
  workDir: string,
): Promise<void> {
  const tar = join(workDir, "to-docker.tar");
  await mustRun("podman", ["save", "--format", "docker-archive", "--multi-image-archive", "-o", tar, ...refs], {
    env: storage.env,
  });
  await mustRun("docker", ["load", "-i", tar], { env: engine.env });
  await mustRun("rm", ["-f", tar]);
  // podman's archive names a short name localhost/<name>, as a vendor's docker image would not be.
  for (const ref of refs) await mustRun("docker", ["tag", `localhost/${ref}`, ref], { env: engine.env });
  await mustRun("docker", ["image", "rm", ...refs.map((ref) => `localhost/${ref}`)], { env: engine.env });
}

/** Removes `refs` from dockerd, so the next image set starts from an engine without them. */
export async function unloadFromDocker(engine: DockerEngine, refs: readonly string[]): Promise<void> {
  await timed("docker", ["image", "rm", "--force", ...refs], { env: engine.env });
  await timed("docker", ["image", "prune", "--force"], { env: engine.env });
}
