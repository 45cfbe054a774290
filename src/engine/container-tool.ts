/**
 * What push-images asks of podman or docker, as argument lists. Everything
 * is spawned through the shell; this module only knows each tool's words.
 */
import type { Readable } from "node:stream";
import { failureDetail, failureReason, type FailedCommand } from "./command-failure.ts";
import { diagnose } from "./diagnose.ts";
import { failure } from "../core/errors.ts";
import type { Job } from "../core/hooks.ts";
import type { ContainerToolName } from "../options/product-defaults.ts";
import type { CommandResult, Shell } from "./shell.ts";

export class ContainerTool {
  constructor(
    readonly name: ContainerToolName,
    /** What runs its commands (local-lists.ts asks podman about lists through it too). */
    readonly shell: Shell,
  ) {}

  /** Fails with a coded error unless the tool is installed and answers. */
  async checkAvailable(registryHost: string): Promise<string> {
    // docker's server version needs the daemon, so this also proves it runs.
    const format = this.name === "docker" ? "{{.Server.Version}}" : "{{.Client.Version}}";
    const args = ["version", "--format", format];
    const result = await this.shell.run(this.name, args);
    if (result.exitCode === 0) return result.stdout.trim();
    const failed = { command: this.name, args, ...result };
    if (result.exitCode === 127) {
      throw failure(
        "TOOL_NOT_FOUND",
        `${this.name} is not installed or not on PATH`,
        `install ${this.name}, or choose the other tool with -c ${this.name === "docker" ? "podman" : "docker"}`,
        failureDetail(failed),
      );
    }
    const output = `${result.stderr}\n${result.stdout}`;
    const known = diagnose(output, { tool: this.name, registryHost, action: `${this.name} version`, command: failed });
    if (known.code === "DAEMON_NOT_RUNNING" || known.code === "DOCKER_SOCKET_PERMISSION") throw known;
    const fix = `run '${this.name} version' and fix what it reports`;
    throw failure("TOOL_NOT_RESPONDING", `${this.name} does not answer: ${failureReason(failed)}`, fix, failureDetail(failed));
  }

  /** The local image id (sha256:...), or undefined when the reference is not in local storage. */
  async imageId(reference: string): Promise<string | undefined> {
    return (await this.inspectOne(reference))?.id;
  }

  /** Local image ids of many references with one process (see inspectImages). */
  async imageIds(references: readonly string[]): Promise<Map<string, string | undefined>> {
    const images = await this.inspectImages(references);
    return new Map([...images].map(([reference, image]) => [reference, image?.id]));
  }

  /**
   * Ids and layer lists of many references with one process: both tools print
   * a line for each image they find, in order, and name each missing one on
   * stderr. Falls back to one inspect per reference if the answer is odd.
   */
  async inspectImages(references: readonly string[]): Promise<Map<string, LocalImage | undefined>> {
    const images = new Map<string, LocalImage | undefined>();
    if (references.length === 0) return images;
    const result = await this.shell.run(this.name, ["image", "inspect", "--format", INSPECT_FORMAT, ...references]);
    const missing = new Set(references.filter((reference) => result.exitCode !== 0 && namesMissing(result.stderr, reference)));
    const found = result.stdout
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    const present = references.filter((reference) => !missing.has(reference));
    if (found.length !== present.length) {
      const one = await Promise.all(references.map((reference) => this.inspectOne(reference)));
      references.forEach((reference, index) => images.set(reference, one[index]));
      return images;
    }
    references.forEach((reference) => images.set(reference, undefined));
    present.forEach((reference, index) => images.set(reference, parseInspectLine(found[index] as string)));
    return images;
  }

  private async inspectOne(reference: string): Promise<LocalImage | undefined> {
    const result = await this.shell.run(this.name, ["image", "inspect", "--format", INSPECT_FORMAT, reference]);
    if (result.exitCode !== 0) return undefined;
    return parseInspectLine(result.stdout.trim().split("\n")[0] ?? "");
  }

  /**
   * docker must name the image as the target before it can push it. podman
   * pushes the source straight to `docker://TARGET` (pushArgs), so it needs
   * no tag: the runner makes one only when a plugin taps `tagArgs`.
   */
  tagArgs(job: Job): string[] {
    return ["tag", job.source, job.target];
  }

  /** podman pushes the source to the target with no local tag, and writes the manifest's digest to a file; docker prints it. */
  pushArgs(job: Job, digestFile: string): string[] {
    return this.name === "podman"
      ? ["push", "--digestfile", digestFile, job.source, `docker://${job.target}`]
      : ["push", job.target];
  }

  /** podman pushes a manifest list with every image it names (`--all`), the index last, to the target. */
  listPushArgs(list: string, job: Job, digestFile: string): string[] {
    return ["manifest", "push", "--all", "--digestfile", digestFile, list, `docker://${job.target}`];
  }

  /**
   * Removes only the names we added, all in one process; each image keeps
   * its source name. (`podman untag IMAGE` without names would remove them all.)
   */
  untagArgs(targets: readonly string[]): string[] {
    return this.name === "podman" ? ["rmi", ...targets] : ["image", "rm", ...targets];
  }

  /** docker: every `repository@digest` name, with its image id, one `<id>\t<repository>@<digest>` line each. */
  digestNamesArgs(): string[] {
    return ["image", "ls", "--digests", "--no-trunc", "--format", "{{.ID}}\t{{.Repository}}@{{.Digest}}"];
  }

  /**
   * Writes the images as one docker-archive to its standard output, handed
   * to `read` as it comes (both tools write a pipe as they write a file;
   * neither accepts a terminal); the answer names the command, to report
   * its failure.
   */
  async save(references: readonly string[], read: (archive: Readable) => void): Promise<CommandResult & FailedCommand> {
    const format = this.name === "podman" ? ["--format", "docker-archive", "--multi-image-archive"] : [];
    const args = ["save", ...format, ...references];
    return { command: this.name, args, ...(await this.shell.run(this.name, args, { mutates: true, stdout: read })) };
  }

  /** podman's storage (graph root and driver), for save to read layers from; undefined when podman does not say. */
  async podmanStore(): Promise<{ graphRoot: string; driver: string } | undefined> {
    const result = await this.shell.run(this.name, ["info", "--format", "{{.Store.GraphRoot}}\t{{.Store.GraphDriverName}}"]);
    const [graphRoot = "", driver = ""] = result.stdout.trim().split("\t");
    return result.exitCode === 0 && graphRoot.startsWith("/") && driver ? { graphRoot, driver } : undefined;
  }

  private registryConfigAnswer?: Promise<DockerRegistryConfig>;

  /** docker's registry settings, to tell whether a registry is insecure for it (asked once). */
  registryConfig(): Promise<DockerRegistryConfig> {
    this.registryConfigAnswer ??= this.askRegistryConfig();
    return this.registryConfigAnswer;
  }

  private async askRegistryConfig(): Promise<DockerRegistryConfig> {
    const args = ["info", "--format", "{{json .RegistryConfig}}"];
    const result = await this.shell.run(this.name, args);
    if (result.exitCode !== 0) {
      const failed = { command: this.name, args, ...result };
      const fix = "run 'docker info' and fix what it reports";
      throw failure("TOOL_NOT_RESPONDING", `'docker info' failed: ${failureReason(failed)}`, fix, failureDetail(failed));
    }
    return JSON.parse(result.stdout) as DockerRegistryConfig;
  }
}

/** One local image as `image inspect` describes it. */
export interface LocalImage {
  /** The image id, `sha256:...` (the config digest). */
  readonly id: string;
  /** Its layers' uncompressed digests (`RootFS.Layers`), base first: equal digests are the same layer in both images. */
  readonly layers: readonly string[];
  /** Its size in bytes, uncompressed: what a docker push's wait for the registry's answer is reckoned from (engine-push.ts). */
  readonly size?: number;
  /**
   * The names it has (`tags=` of INSPECT_FORMAT). podman answers for a
   * manifest list with the image of this host's platform, which does not
   * bear the list's name: that tells a list from an image (local-lists.ts).
   */
  readonly names?: readonly string[];
}

/** The id, the size, each layer, then the names, on one line: one line per image, whatever it holds. */
export const INSPECT_FORMAT = "{{.Id}} {{.Size}}{{range .RootFS.Layers}} {{.}}{{end}} tags={{range .RepoTags}}{{.}},{{end}}";

function parseInspectLine(line: string): LocalImage {
  const tokens = line.trim().split(/\s+/);
  const tags = tokens.findIndex((token) => token.startsWith("tags="));
  const names = tags < 0 ? undefined : (tokens.splice(tags, 1)[0] ?? "").slice("tags=".length).split(",").filter(Boolean);
  const [id = "", ...rest] = tokens;
  // Layers are digests: a bare number among them is the size.
  const size = /^\d+$/.test(rest[0] ?? "") ? Number(rest.shift()) : undefined;
  return { id: withAlgorithm(id), layers: rest, ...(size === undefined ? {} : { size }), ...(names ? { names } : {}) };
}

/** The part of `docker info` that lists insecure registries. */
export interface DockerRegistryConfig {
  readonly InsecureRegistryCIDRs?: readonly string[] | null;
  readonly IndexConfigs?: Readonly<Record<string, { readonly Name: string; readonly Secure: boolean }>> | null;
}

/** docker prints "<tag>: digest: sha256:... size: N" when a push ends. */
export function digestFromDockerPush(stdout: string): string | undefined {
  return /digest: (sha256:[a-f0-9]{64})/.exec(stdout)?.[1];
}

/** podman prints ids bare, docker with their algorithm. */
function withAlgorithm(id: string): string {
  return id.startsWith("sha256:") ? id : `sha256:${id}`;
}

/** podman: "...: <ref>: image not known"; docker: "No such image: <ref>". */
function namesMissing(stderr: string, reference: string): boolean {
  const escaped = reference.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?:^|\\s)${escaped}(?::|\\s*$)`, "m").test(stderr);
}
