/**
 * Builds a real Runner the way src/cli/cli.ts does (resolveOptions, then
 * applyOptions with the registry type), on a FakeShell, and catches the
 * coded errors tests assert.
 *
 * The runner talks HTTP to the registry (preflight's probe, the manifest
 * look-ups of push-job, plugins' API calls) through `runner.registry()`.
 * Unless a test asks for the real thing (`probeRegistry`, against a
 * tiny-registry.ts server on 127.0.0.1), the runner is made (openRegistry)
 * with one that answers from the same RegistryStore the fake shell pushes
 * into, so up-to-date and read-back checks behave as they would at a
 * registry. Retry waits are shortened (retryWaits; the number of retries
 * still comes from --retries), so transient failures cost milliseconds.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { applyOptions } from "../../src/options/apply-options.ts";
import { PushImagesError } from "../../src/core/errors.ts";
import type { JobProgress } from "../../src/core/hooks.ts";
import { createLogger } from "../../src/core/logger.ts";
import { resolveOptions, type Options, type RawFlags } from "../../src/options/options.ts";
import { BUILT_IN_DEFAULTS, type ProductDefaults } from "../../src/options/product-defaults.ts";
import type { RegistryConnection } from "../../src/registry/connection.ts";
import { loginCommand } from "../../src/registry/login-command.ts";
import type { RegistryType } from "../../src/options/registry-type.ts";
import type { RetryPolicy } from "../../src/core/retry.ts";
import { Runner } from "../../src/core/runner.ts";
import { FakeShell, pushTarget, type FakeShellSetup } from "./fake-shell.ts";
import { RegistryStore } from "./tiny-registry.ts";

export function rawFlags(flags: Partial<RawFlags>): RawFlags {
  return { image: [], noTlsVerify: false, dryRun: false, verbose: false, quiet: false, json: false, ...flags };
}

export interface SetUp {
  readonly flags: Partial<RawFlags>;
  readonly shell?: FakeShellSetup;
  readonly defaults?: ProductDefaults;
  readonly env?: NodeJS.ProcessEnv;
  /** Talk HTTP to the registry of -r (a tiny registry) instead of the in-memory store. */
  readonly probeRegistry?: boolean;
  /** What the registry holds; pass a tiny registry's store with `probeRegistry`. */
  readonly store?: RegistryStore;
  /** The registry type the naming plugin is chosen by (default generic). */
  readonly registryType?: RegistryType;
  /** Overrides of the retry waits; default FAST_RETRIES. */
  readonly retryPolicy?: Partial<Omit<RetryPolicy, "retries">>;
}

export interface TestRun {
  readonly runner: Runner;
  readonly shell: FakeShell;
  readonly options: Options;
  readonly store: RegistryStore;
  /** Names of the preflight taps, in the order they ran. */
  readonly preflightRan: string[];
  readonly logged: string[];
  /** Every `progress` call: the image and what it reported. */
  readonly progress: Array<readonly [string, JobProgress]>;
}

/** Waits of 1, 2, 4... ms at most: retries without slowing the tests. */
const FAST_RETRIES = { baseMs: 1, maxMs: 4 } as const;

/** The sources of the planned images, written out (not taken from src/core/plan.ts). */
function sourcesOf(options: Options): string[] {
  return options.images.map((image) => `${options.sourcePath}/${image}:${options.sourceTag}`);
}

export function setUp({
  flags,
  shell,
  defaults = BUILT_IN_DEFAULTS,
  env = {},
  probeRegistry = false,
  store = new RegistryStore(),
  registryType,
  retryPolicy,
}: SetUp): TestRun {
  const options = resolveOptions(rawFlags(flags), defaults);
  const fake = new FakeShell({ localImages: sourcesOf(options), dryRun: options.dryRun, store, ...shell });
  const logged: string[] = [];
  const log = createLogger({ quiet: false, verbose: true, write: (text) => logged.push(text) });
  const retryWaits = { ...FAST_RETRIES, ...retryPolicy };
  const openRegistry = probeRegistry ? undefined : async () => inMemoryConnection(options.registry.host, store);
  const runner = new Runner({ options, shell: fake, log, env, retryWaits, openRegistry });
  applyOptions(runner, registryType);
  const preflightRan: string[] = [];
  runner.hooks.preflight.intercept({ tap: (tap) => void preflightRan.push(tap.name) });
  const progress: Array<readonly [string, JobProgress]> = [];
  runner.hooks.progress.tap("test-progress", (job, state) => void progress.push([job.image, state]));
  return { runner, shell: fake, options, store, preflightRan, logged, progress };
}

/** The registry API answered from `store` without HTTP or credentials. */
function inMemoryConnection(host: string, store: RegistryStore): RegistryConnection {
  return {
    baseUrl: `https://${host}`,
    login: loginCommand("podman", host, true),
    stream: async () => {
      throw new Error("streamed blob uploads are not faked here: bundle pushes are tested end to end");
    },
    anonymous(path, request) {
      return this.request(path, request);
    },
    async request(path, { method = "GET", body = "" } = {}) {
      const reply = store.answer({ method, path, authorization: "", body });
      const headers = Object.fromEntries(Object.entries(reply.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      return { status: reply.status, headers, body: method === "HEAD" ? "" : (reply.body ?? "") };
    },
  };
}

/** The command that removes the run's temporary tags (podman `rmi`, docker `image rm`). */
function isUntag(args: readonly string[]): boolean {
  return args[0] === "rmi" || (args[0] === "image" && args[1] === "rm");
}

/**
 * The mutating argument lists but the final untag, grouped by the target
 * they name (the last argument; podman's `docker://` left off). Images run concurrently, so only
 * each image's own sequence has an order.
 */
export function stepsByTarget(shell: FakeShell): Record<string, string[][]> {
  const steps: Record<string, string[][]> = {};
  for (const args of shell.mutatingArgs().filter((a) => !isUntag(a))) (steps[pushTarget(args)] ??= []).push(args);
  return steps;
}

/** Every untag command the run made (there should be at most one, at the end). */
export function untagCalls(shell: FakeShell): string[][] {
  return shell.mutatingArgs().filter(isUntag);
}

/** Where podman is told to write the digest: a fresh directory under the temp dir. */
export const DIGEST_FILE = expect.stringMatching(new RegExp(`^${escapeRegExp(join(tmpdir(), "push-"))}[^/]+/digest$`));

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The argument lists one image costs, as each tool is expected to receive them: docker tags and pushes; podman only pushes. */
export function expectedSteps(
  tool: "podman" | "docker",
  source: string,
  target: string,
  tlsSkip = false,
  digestFile: unknown = DIGEST_FILE,
): unknown[][] {
  if (tool === "docker")
    return [
      ["tag", source, target],
      ["push", target],
    ];
  return [["push", ...(tlsSkip ? ["--tls-verify=false"] : []), "--digestfile", digestFile, source, `docker://${target}`]];
}

/** The one command, after all pushes, that removes the tags the run made, in the order it made them. */
export function expectedUntag(tool: "podman" | "docker", targets: readonly string[]): string[] {
  return tool === "docker" ? ["image", "rm", ...targets] : ["rmi", ...targets];
}

/** A whole run of one image: docker's tag, push, then the untag of its target; podman's push alone. */
export function expectedRun(tool: "podman" | "docker", source: string, target: string, tlsSkip = false): unknown[][] {
  return [...expectedSteps(tool, source, target, tlsSkip), ...(tool === "docker" ? [expectedUntag(tool, [target])] : [])];
}

/** The targets of the tag commands, in the order they were run: the order the untag names them. */
export function taggedTargets(shell: FakeShell): string[] {
  return shell.argsOf("tag").map((args) => args[2] ?? "");
}

/** The PushImagesError `fn` throws; fails the test if it throws nothing or something else. */
export function thrownBy(fn: () => unknown): PushImagesError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PushImagesError) return error;
    throw error;
  }
  throw new Error("expected a PushImagesError; nothing was thrown");
}

export async function rejectionOf(promise: Promise<unknown>): Promise<PushImagesError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PushImagesError) return error;
    throw error;
  }
  throw new Error("expected a PushImagesError; the promise resolved");
}
