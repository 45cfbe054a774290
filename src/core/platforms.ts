/**
 * Platforms of a multi-platform image (an OCI index or docker manifest
 * list): `--platform os/arch[/variant]` parsed, printed and matched. A
 * platform asked for that the image does not have is an error naming the
 * ones it has; without `--platform` every platform goes (none is ever
 * dropped silently).
 */
import { inputError } from "./errors.ts";

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** One platform's image in an index: its manifest's digest, and what it runs on. */
export interface PlatformManifest {
  readonly platform: Platform;
  /** `sha256:...` of the platform's manifest. */
  readonly digest: string;
}

const PLATFORM_RULE = "os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8";
const PART = /^[a-z0-9][a-z0-9._-]*$/;

/** `linux/arm64[/v8]` as a platform; a bad value is exit 2 naming the rule. */
export function parsePlatform(value: string, command: string): Platform {
  const parts = value.split("/");
  if (parts.length < 2 || parts.length > 3 || !parts.every((part) => PART.test(part))) {
    throw inputError(
      "INVALID_PLATFORM",
      `--platform ${JSON.stringify(value)} is not a platform: it must be ${PLATFORM_RULE} (lower case)`,
      `run '${command} --platform linux/amd64 --platform linux/arm64' with the platforms you need`,
    );
  }
  const [os = "", architecture = "", variant] = parts;
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/** `linux/arm64/v8`: how a platform is written on the command line and shown. */
export function platformText({ os, architecture, variant }: Platform): string {
  return variant ? `${os}/${architecture}/${variant}` : `${os}/${architecture}`;
}

/** Whether `have` is what `wanted` asks for: a variant left out matches any. */
function platformMatches(wanted: Platform, have: Platform | undefined): boolean {
  if (!have) return false;
  return (
    wanted.os === have.os &&
    wanted.architecture === have.architecture &&
    (wanted.variant === undefined || wanted.variant === have.variant)
  );
}

/**
 * The platforms of an image that `wanted` keeps: all of them when nothing is
 * asked for; else every one asked for must be there (PLATFORM_MISSING names
 * the ones the image has).
 */
export function choosePlatforms<T extends { readonly platform?: Platform }>(
  available: readonly T[],
  wanted: readonly Platform[],
  image: string,
): T[] {
  if (wanted.length === 0) return [...available];
  const missing = wanted.filter((platform) => !available.some((entry) => platformMatches(platform, entry.platform)));
  if (missing.length > 0) {
    const there = available.flatMap((entry) => (entry.platform ? [platformText(entry.platform)] : [])).join(", ");
    throw inputError(
      "PLATFORM_MISSING",
      `${image} has no ${missing.map(platformText).join(", ")} image; it has ${there || "no platform named"}`,
      `ask only for platforms it has (--platform ${there.split(", ")[0] ?? "os/arch"}), or leave --platform out to take all`,
    );
  }
  return available.filter((entry) => wanted.some((platform) => platformMatches(platform, entry.platform)));
}

/** `linux/amd64, linux/arm64`: an image's platforms for the plan, the report and messages. */
export function platformsText(platforms: readonly { readonly platform?: Platform }[]): string {
  return platforms.map((entry) => (entry.platform ? platformText(entry.platform) : "unknown")).join(", ");
}

/** One platform's image of a multi-platform image, with its image id (config digest): what the target must hold. */
export interface PlatformImage extends PlatformManifest {
  readonly id: string;
}

/** A multi-platform image: every platform it has, and those --platform keeps (all without it). */
export interface ImageIndex {
  readonly platforms: readonly PlatformImage[];
  readonly chosen: readonly PlatformImage[];
}
