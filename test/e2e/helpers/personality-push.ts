/**
 * Pushes through a registry personality (test/bed/personalities): the front
 * stands before the bed's `auth` registry, so a client must log in and a
 * login that reaches the other host shows. Two product images sharing a
 * base layer (a bundle push mounts it into the second repository) are
 * built in podman and saved as a bundle; runs push them engine-less
 * (`--from-archive`, no engine on PATH) or with `-c podman -t`, logged in
 * with `podman login` into the test's own login files.
 */
import { join } from "node:path";
import { startPersonality, type Personality, type RunningPersonality } from "../../bed/personalities/front.ts";
import { uniqueName, useBed } from "./bed.ts";
import { runCli, type CliResult } from "./cli.ts";
import { enginelessPath } from "./engineless.ts";
import { expectSuccess } from "./expect-cli.ts";
import { isolatedLogins, testDir, tool } from "./local-tools.ts";
import { sharedLayerImages } from "./shared-layer-images.ts";

export const TAG = "v1";

export interface PersonalityImages {
  /** -p of the images and the bundle. */
  readonly sourcePath: string;
  readonly bundle: string;
  /** Image id by product image name: what the registry behind the front must hold as config digest. */
  readonly ids: Record<string, string>;
}

/** The two images and their bundle, made once per test file. */
export async function personalityImages(): Promise<PersonalityImages> {
  const sourcePath = uniqueName("src");
  const made = await sharedLayerImages("podman", sourcePath, TAG);
  const bundle = join(testDir(), "bundle.tar");
  const selection = made.images.flatMap((image) => ["-i", image]);
  expectSuccess(await runCli(["save", "-o", bundle, "-c", "podman", "-p", sourcePath, "-s", TAG, ...selection]));
  return { sourcePath, bundle, ids: Object.fromEntries(made.images.map((image, i) => [image, made.ids[i] as string])) };
}

export interface Front {
  readonly running: RunningPersonality;
  /** REGISTRY_AUTH_FILE and DOCKER_CONFIG holding the login to the front. */
  readonly logins: Record<string, string>;
}

/** `personality` before the auth registry, and podman logged in to it (async: the front answers from this process). */
export async function startFront(personality: Personality): Promise<Front> {
  const { auth } = useBed().registries;
  const running = await startPersonality(auth, personality);
  const logins = isolatedLogins();
  const { username, password } = auth.credentials ?? { username: "", password: "" };
  await tool("podman", ["login", "--tls-verify=false", "-u", username, "-p", password, running.registry.host], logins);
  return { running, logins };
}

/** Both ways of pushing the images to `<front>/<path>`, with --json. */
export const transports = {
  bundle: (front: Front, images: PersonalityImages, path: string, extra: readonly string[] = []): Promise<CliResult> =>
    runCli(
      [
        "--from-archive",
        images.bundle,
        "-r",
        `${front.running.registry.host}/${path}`,
        "-t",
        ...sourceFlags(images),
        "--json",
        ...extra,
      ],
      { env: { ...front.logins, PATH: enginelessPath() } },
    ),
  podman: (front: Front, images: PersonalityImages, path: string, extra: readonly string[] = []): Promise<CliResult> =>
    runCli(
      [
        "-r",
        `${front.running.registry.host}/${path}`,
        "-c",
        "podman",
        "-t",
        ...sourceFlags(images),
        ...Object.keys(images.ids).flatMap((image) => ["-i", image]),
        "--json",
        ...extra,
      ],
      { env: front.logins },
    ),
} as const;

function sourceFlags(images: PersonalityImages): string[] {
  return ["-p", images.sourcePath, "-s", TAG];
}

export type TransportName = keyof typeof transports;
