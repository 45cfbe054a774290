/**
 * Runs push-images as a user would: a separate process, arguments as a
 * list (no shell), the bed's environment. The command is defined here and
 * only here, so the standalone binary can replace `node build/push-images.mjs`
 * in one place (or per run with PUSH_IMAGES_BIN=/path/to/binary).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBed } from './bed.ts';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const BUILT_SCRIPT = join(REPO_ROOT, 'build', 'push-images.mjs');

export interface CliResult {
  /** Exit code; null when killed by a signal (see `signal`). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Variables set (string) or removed (undefined) on top of process.env + the bed's env. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
  /** Run this copy of the program instead (see copyProgramTo). */
  program?: string;
}

/** The program to run: the standalone binary if PUSH_IMAGES_BIN names one, else the built script. */
function defaultProgram(): string {
  return process.env.PUSH_IMAGES_BIN ?? BUILT_SCRIPT;
}

/** How to start `program`: the script through this Node.js, a binary directly. */
function command(program: string): [string, string[]] {
  return program.endsWith('.mjs') ? [process.execPath, [program]] : [program, []];
}

/**
 * Copies the program into `dir`, for tests of files read from beside it
 * (product-defaults.json). Returns the copy's path for CliOptions.program.
 */
export function copyProgramTo(dir: string): string {
  const source = defaultProgram();
  const target = join(dir, basename(source));
  copyFileSync(source, target);
  return target;
}

export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  const program = opts.program ?? defaultProgram();
  if (!existsSync(program)) {
    throw new Error(`${program} does not exist: run \`npm run build\` first`);
  }
  const env: NodeJS.ProcessEnv = { ...withoutTestRunnerVars(process.env), ...useBed().env };
  for (const [key, value] of Object.entries(opts.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const [cmd, prefix] = command(program);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, [...prefix, ...args], {
      env,
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 150_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

/** The user's environment has none of the variables vitest sets in its workers. */
function withoutTestRunnerVars(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^(VITEST.*|TEST|NODE_ENV)$/.test(key)));
}
