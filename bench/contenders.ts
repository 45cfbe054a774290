/**
 * What is measured: the seed's sequential tag + push loop, and this tool
 * (the standalone x64 binary) at -j 1 and at its default concurrency. Each
 * knows how to push everything to a registry and to check that it did.
 */
import { join } from "node:path";
import type { PodmanStorage } from "./podman-storage.ts";
import { timed, tail, type Timed } from "./processes.ts";
import { IMAGES, SOURCE_PATH, SOURCE_TAG, TARGET_PATH } from "./product.ts";

export type ContenderId = "seed" | "tool-j1" | "tool-default";

export const LABELS: Record<ContenderId, string> = {
  seed: "(a) seed loop: tag + push",
  "tool-j1": "(b) push-images -j 1",
  "tool-default": "(c) push-images, default -j",
};

export interface Contender {
  readonly id: ContenderId;
  readonly label: string;
  /** Pushes all images to `registryHost`; `expect` is what a correct run reports. */
  push(registryHost: string, storage: PodmanStorage, expect: "pushed" | "up-to-date"): Promise<Timed>;
}

export function contenders(benchDir: string, binary: string): Contender[] {
  const tool = (id: ContenderId, label: string, extra: readonly string[]): Contender => ({
    id,
    label,
    async push(registryHost, storage, expect) {
      // -t: the registry speaks plain HTTP. --json: the statuses to check, at no cost worth naming.
      const run = await timed(binary, ["-r", `${registryHost}/${TARGET_PATH}`, "-c", "podman", "-t", "--json", ...extra], {
        env: storage.env,
      });
      checkToolRun(label, run, expect);
      return run;
    },
  });
  return [
    {
      id: "seed",
      label: LABELS.seed,
      async push(registryHost, storage) {
        const run = await timed(
          "bash",
          [
            join(benchDir, "seed-loop.sh"),
            "podman",
            `${registryHost}/${TARGET_PATH}`,
            "--tls-verify=false",
            SOURCE_PATH,
            SOURCE_TAG,
            ...IMAGES,
          ],
          { env: storage.env },
        );
        if (run.code !== 0) throw new Error(`the seed loop failed (exit ${run.code}):\n${tail(run.stderr)}`);
        return run;
      },
    },
    tool("tool-j1", LABELS["tool-j1"], ["-j", "1"]),
    tool("tool-default", LABELS["tool-default"], []),
  ];
}

/** A run only counts if every image ended as expected: a fast failure is not a fast push. */
export function checkToolRun(label: string, run: Timed, expect: "pushed" | "up-to-date"): void {
  if (run.code !== 0) throw new Error(`${label} exited ${run.code}:\n${tail(run.stderr)}`);
  const { images } = JSON.parse(run.stdout) as { images: { image: string; status: string }[] };
  const wrong = images.filter((image) => image.status !== expect);
  if (images.length !== IMAGES.length || wrong.length > 0) {
    throw new Error(
      `${label}: expected ${IMAGES.length} images ${expect}, got ${images.map((i) => `${i.image}=${i.status}`).join(", ")}`,
    );
  }
}

/** The seed leaves its target tags behind; remove them (untimed) so the next run starts from the same storage. */
export async function removeSeedTags(
  registryHost: string,
  where: { readonly env: NodeJS.ProcessEnv },
  engine: "podman" | "docker" = "podman",
): Promise<void> {
  const targets = IMAGES.map((image) => `${registryHost}/${TARGET_PATH}/${image}:${SOURCE_TAG}`);
  // Removing one of an image's several names removes only that name.
  await timed(engine, engine === "podman" ? ["rmi", ...targets] : ["image", "rm", ...targets], { env: where.env });
}
