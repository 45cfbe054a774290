/**
 * Builds a real Runner the way src/cli.ts does (resolveOptions, then
 * applyOptions), on a FakeShell, and catches the coded errors tests assert.
 *
 * The built-in "registry" preflight check talks HTTP to the registry. Tests
 * of argument lists replace that one tap (through a `register` interceptor,
 * which tapable also applies to taps made before it) with a stub that only
 * records that it was reached; registry-preflight.test.ts runs the real
 * check against a node:http server on 127.0.0.1.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { applyOptions } from "../../src/apply-options.ts";
import { PushImagesError } from "../../src/errors.ts";
import { createLogger } from "../../src/logger.ts";
import { resolveOptions, type Options, type RawFlags } from "../../src/options.ts";
import { BUILT_IN_DEFAULTS, type ProductDefaults } from "../../src/product-defaults.ts";
import { Runner } from "../../src/runner.ts";
import { FakeShell, type FakeShellSetup } from "./fake-shell.ts";

export function rawFlags(flags: Partial<RawFlags>): RawFlags {
  return { image: [], noTlsVerify: false, dryRun: false, verbose: false, quiet: false, json: false, ...flags };
}

export interface SetUp {
  readonly flags: Partial<RawFlags>;
  readonly shell?: FakeShellSetup;
  readonly defaults?: ProductDefaults;
  readonly env?: NodeJS.ProcessEnv;
  /** Run the real HTTP registry check instead of the stub. */
  readonly probeRegistry?: boolean;
}

export interface TestRun {
  readonly runner: Runner;
  readonly shell: FakeShell;
  readonly options: Options;
  /** Names of the preflight taps, in the order they ran. */
  readonly preflightRan: string[];
  readonly logged: string[];
}

/** The sources of the planned images, written out (not taken from src/plan.ts). */
export function sourcesOf(options: Options): string[] {
  return options.images.map((image) => `${options.sourcePath}/${image}:${options.sourceTag}`);
}

export function setUp({ flags, shell, defaults = BUILT_IN_DEFAULTS, env = {}, probeRegistry = false }: SetUp): TestRun {
  const options = resolveOptions(rawFlags(flags), defaults);
  const fake = new FakeShell({ localImages: sourcesOf(options), dryRun: options.dryRun, ...shell });
  const logged: string[] = [];
  const log = createLogger({ quiet: false, verbose: true, write: (text) => logged.push(text) });
  const runner = new Runner({ options, shell: fake, log, env });
  applyOptions(runner);
  const preflightRan: string[] = [];
  runner.hooks.preflight.intercept({
    tap: (tap) => void preflightRan.push(tap.name),
    register: (tap) => (tap.name === "registry" && !probeRegistry ? { ...tap, fn: async () => undefined } : tap),
  });
  return { runner, shell: fake, options, preflightRan, logged };
}

/** Where podman is told to write the digest: a fresh directory under the temp dir. */
export const DIGEST_FILE = expect.stringMatching(new RegExp(`^${escapeRegExp(join(tmpdir(), "push-images-"))}[^/]+/digest$`));

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The three argument lists one image costs, as each tool is expected to receive them. */
export function expectedSteps(tool: "podman" | "docker", source: string, target: string, tlsSkip = false, digestFile: unknown = DIGEST_FILE): unknown[][] {
  if (tool === "docker") return [["tag", source, target], ["push", target], ["image", "rm", target]];
  return [
    ["tag", source, target],
    ["push", ...(tlsSkip ? ["--tls-verify=false"] : []), "--digestfile", digestFile, target],
    ["untag", target, target],
  ];
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
