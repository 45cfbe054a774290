/**
 * A stand-in for src/engine/shell.ts: records every command the runner hands over
 * and answers like podman or docker would, from a small model of local
 * storage (reference -> image id; `tag` gives the new name the source's id)
 * and of the registry (a successful push stores a manifest naming the
 * pushed image's id as its config). Tests script failures with `answers`;
 * anything the model does not know throws, so an unexpected command cannot
 * pass unnoticed.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { INSPECT_FORMAT, type DockerRegistryConfig } from "../../src/engine/container-tool.ts";
import type { CommandResult, Shell } from "../../src/engine/shell.ts";
import type { RegistryStore } from "./tiny-registry.ts";

/** One call of `shell.run`, as the runner made it. */
export interface RecordedCall {
  readonly command: string;
  readonly args: readonly string[];
  readonly mutates: boolean;
  readonly input?: string;
}

/** A scripted result for the calls `when` picks; checked before the model. */
export interface Answer {
  readonly when: (call: RecordedCall) => boolean;
  readonly result: CommandResult;
}

export interface FakeShellSetup {
  /** References in local storage; `image inspect` finds them, `tag` adds, `rmi`/`image rm` remove. */
  readonly localImages?: Iterable<string>;
  /** What `docker info --format {{json .RegistryConfig}}` prints. */
  readonly registryConfig?: DockerRegistryConfig;
  /** Behave like the real shell in dry-run: mutating commands succeed without effect. */
  readonly dryRun?: boolean;
  readonly answers?: readonly Answer[];
  /** Where pushes land; without one, a push reaches no registry the runner can read. */
  readonly store?: RegistryStore;
  /** Layers `image inspect` lists for a reference; by default one layer of its own. */
  readonly layers?: Readonly<Record<string, readonly string[]>>;
  /** Milliseconds a call takes before it answers (default 0). */
  readonly latency?: (call: RecordedCall) => number;
}

/** docker's own default: loopback is always insecure. */
const DOCKER_DEFAULT_REGISTRY_CONFIG: DockerRegistryConfig = {
  InsecureRegistryCIDRs: ["::1/128", "127.0.0.0/8"],
  IndexConfigs: { "docker.io": { Name: "docker.io", Secure: true } },
};

export const ok = (stdout = ""): CommandResult => ({ exitCode: 0, stdout, stderr: "" });
export const fail = (stderr: string, exitCode = 125): CommandResult => ({ exitCode, stdout: "", stderr });

/** The manifest digest the fake registry gives a pushed reference. */
export function fakeDigest(reference: string): string {
  return `sha256:${createHash("sha256").update(`manifest of ${reference}`).digest("hex")}`;
}

export function fakeImageId(reference: string): string {
  return `sha256:${createHash("sha256").update(`image ${reference}`).digest("hex")}`;
}

/** A layer digest named by `what`, for `layers`. */
export function fakeLayer(what: string): string {
  return `sha256:${createHash("sha256").update(`layer ${what}`).digest("hex")}`;
}

/** The target a push names: docker's last argument, or podman's `docker://TARGET`. */
export function pushTarget(args: readonly string[]): string {
  return (args.at(-1) ?? "").replace(/^docker:\/\//, "");
}

/** Matches `<tool> push ... <target>`. */
export const pushOf = (target: string) => (call: RecordedCall) => call.args[0] === "push" && pushTarget(call.args) === target;
/** Matches the first word of the argument list, e.g. "version". */
export const verb = (word: string) => (call: RecordedCall) => call.args[0] === word;

/** Answers for the calls `match` picks: `results` in turn, then the model's own answer. */
export function inTurn(match: (call: RecordedCall) => boolean, results: readonly CommandResult[]): Answer[] {
  let turn = -1;
  // Checked first and never answers: it only counts the matching calls.
  const counter: Answer = { when: (call) => (match(call) && turn++, false), result: ok() };
  return [counter, ...results.map((result, index) => ({ when: (call: RecordedCall) => match(call) && turn === index, result }))];
}

export class FakeShell implements Shell {
  readonly calls: RecordedCall[] = [];
  /** Local storage: reference -> image id. */
  readonly local: Map<string, string>;
  stopAllCalls = 0;
  private readonly running = new Map<string, number>();
  private readonly peaks = new Map<string, number>();

  constructor(private readonly setup: FakeShellSetup = {}) {
    this.local = new Map([...(setup.localImages ?? [])].map((reference) => [reference, fakeImageId(reference)]));
  }

  async run(
    command: string,
    args: readonly string[],
    options: { mutates?: boolean; input?: string } = {},
  ): Promise<CommandResult> {
    const call: RecordedCall = { command, args: [...args], mutates: options.mutates === true, input: options.input };
    this.calls.push(call);
    const word = call.args[0] ?? "";
    const now = (this.running.get(word) ?? 0) + 1;
    this.running.set(word, now);
    this.peaks.set(word, Math.max(now, this.peaks.get(word) ?? 0));
    try {
      const latency = this.setup.latency?.(call) ?? 0;
      if (latency > 0) await sleep(latency);
      const scripted = this.setup.answers?.find((answer) => answer.when(call));
      if (scripted) return scripted.result;
      if (this.setup.dryRun && call.mutates) return ok();
      return this.model(call);
    } finally {
      this.running.set(word, (this.running.get(word) ?? 1) - 1);
    }
  }

  /** The most calls whose first word is `word` that were running at once. */
  peakOf(word: string): number {
    return this.peaks.get(word) ?? 0;
  }

  stopAll(): void {
    this.stopAllCalls += 1;
  }

  /** Argument lists of the calls marked `mutates`, in order: tag, push, untag... */
  mutatingArgs(): string[][] {
    return this.calls.filter((c) => c.mutates).map((c) => [...c.args]);
  }

  /** Argument lists of every call whose first word is `word`. */
  argsOf(word: string): string[][] {
    return this.calls.filter((c) => c.args[0] === word).map((c) => [...c.args]);
  }

  private model({ command, args }: RecordedCall): CommandResult {
    const docker = command === "docker";
    const missing = (ref: string) =>
      docker ? fail(`Error response from daemon: No such image: ${ref}`, 1) : fail(`Error: ${ref}: image not known`);
    const [word, ...rest] = args;
    const last = args.at(-1) ?? "";
    if (word === "version") return ok(docker ? "27.5.1\n" : "5.4.2\n");
    if (word === "image" && rest[0] === "inspect" && rest[1] === "--format" && rest[2] === INSPECT_FORMAT)
      return this.inspect(docker, rest.slice(3));
    if (word === "tag" && rest.length === 2) {
      const [source = "", target = ""] = rest;
      const id = this.local.get(source);
      if (id === undefined) return missing(source);
      this.local.set(target, id);
      return ok();
    }
    if (word === "push") {
      // podman pushes `SOURCE docker://TARGET`; docker pushes the local name TARGET.
      const target = pushTarget(args);
      const source = last.startsWith("docker://") ? (args.at(-2) ?? "") : last;
      const id = this.local.get(source);
      if (id === undefined) return missing(source);
      this.setup.store?.put(target, id);
      if (docker)
        return ok(
          `The push refers to repository [${last.slice(0, last.lastIndexOf(":"))}]\n${last.slice(last.lastIndexOf(":") + 1)}: digest: ${fakeDigest(last)} size: 528\n`,
        );
      const digestFile = args[args.indexOf("--digestfile") + 1];
      if (digestFile) writeFileSync(digestFile, fakeDigest(target));
      return ok();
    }
    // No manifest lists here: preflight asks podman only about sources it did not find.
    if (word === "manifest" && rest[0] === "exists" && !docker) return fail(`Error: ${last}: image not known`, 1);
    if (word === "rmi" && !docker) return this.remove(docker, rest);
    if (word === "image" && rest[0] === "rm" && docker) return this.remove(docker, rest.slice(1));
    // The names dockerd may add as it finishes a stopped push: none here.
    if (word === "image" && rest[0] === "ls" && docker) return ok("");
    if (word === "info" && docker) return ok(`${JSON.stringify(this.setup.registryConfig ?? DOCKER_DEFAULT_REGISTRY_CONFIG)}\n`);
    throw new Error(`fake shell: nothing scripted for ${command} ${args.join(" ")}`);
  }

  /**
   * `image inspect --format INSPECT_FORMAT ref...` as both tools answer it: a
   * line for each image found, in order (its id, podman's bare, docker's with
   * "sha256:", then its layers), and,
   * when any is missing, a non-zero exit with one stderr line per missing one.
   */
  private inspect(docker: boolean, references: readonly string[]): CommandResult {
    if (references.length === 0)
      return fail(
        docker
          ? `"docker image inspect" requires at least 1 argument.`
          : "Error: at least one image name or ID must be specified",
        docker ? 1 : 125,
      );
    const lines = references.flatMap((ref) => {
      const id = this.local.get(ref);
      if (id === undefined) return [];
      const layers = this.setup.layers?.[ref] ?? [fakeLayer(ref)];
      return [[docker ? id : id.replace(/^sha256:/, ""), ...layers].join(" ")];
    });
    const stdout = lines.map((line) => `${line}\n`).join("");
    const absent = references.filter((ref) => !this.local.has(ref));
    if (absent.length === 0) return ok(stdout);
    const stderr = absent
      .map((ref) =>
        docker
          ? `Error response from daemon: no such image: ${ref}: No such image: ${ref}\n`
          : `Error: inspecting object: ${ref}: image not known\n`,
      )
      .join("");
    return { exitCode: docker ? 1 : 125, stdout, stderr };
  }

  /** podman `rmi name...` / docker `image rm name...`: each name goes; the image stays under its other names. */
  private remove(docker: boolean, names: readonly string[]): CommandResult {
    if (names.length === 0)
      return fail(
        docker ? `"docker image rm" requires at least 1 argument.` : "Error: image name or ID must be specified",
        docker ? 1 : 125,
      );
    const absent = names.filter((name) => !this.local.has(name));
    const removed = names.filter((name) => this.local.delete(name));
    const stdout = removed.map((name) => `Untagged: ${name}\n`).join("");
    if (absent.length === 0) return ok(stdout);
    const stderr = absent
      .map((name) => (docker ? `Error response from daemon: No such image: ${name}\n` : `Error: ${name}: image not known\n`))
      .join("");
    // Both exit 1 when a name is not there, having removed the others.
    return { exitCode: 1, stdout, stderr };
  }
}
