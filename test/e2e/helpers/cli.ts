/**
 * Runs push-images as an operator would: the program the bed installed in a
 * fake `<extract-location>/scripts/` (by default the standalone x64
 * binary; PUSH_IMAGES_BIN names another build), a separate process,
 * arguments as a list (no shell), and the bed's environment, whose PATH
 * has podman, docker, bash and sh but no node. How the program is
 * started is decided here and only here.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { installProgram, isScript } from "../../bed/program.ts";
import { findOnPath } from "../../bed/tool-path.ts";
import { useBed, type BedOperator } from "./bed.ts";
import { testDir } from "./local-tools.ts";

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
  /**
   * Start the program through this command, e.g. `['deno', 'run', '-A']` or
   * qemu; the program's path follows it. Default: this Node.js for a
   * script, nothing for a binary.
   */
  launcher?: readonly string[];
  /** Start the program as the leader of its own process group, as a shell starts a foreground job. */
  ownGroup?: boolean;
  /**
   * Run as the bed's non-root operator, with its environment (as `su -`
   * gives it) in place of process.env and the bed's; `env` still applies.
   */
  as?: BedOperator;
}

/** A run in progress, for tests that interrupt it. */
export interface RunningCli {
  pid: number;
  /** Sends `signal` to the program (not to its children: it must stop them itself). */
  kill: (signal: NodeJS.Signals) => void;
  /**
   * Sends `signal` to the program's whole process group, as Ctrl-C on a
   * terminal does: the container tool it runs gets it too. Needs `ownGroup`.
   */
  killGroup: (signal: NodeJS.Signals) => void;
  /**
   * Closes the reading ends of the program's stdout and stderr, as a
   * `| head` that has had its lines or a terminal that has gone: its
   * writes fail with EPIPE from then on.
   */
  closeOutput: () => void;
  /** Output so far. */
  output: () => { stdout: string; stderr: string };
  /** False once the program has ended. */
  running: () => boolean;
  result: Promise<CliResult>;
}

/**
 * Installs the program under test into a fake `<dir>/scripts/` (a hard
 * link), for tests of what is read from beside it: `plugins/` and
 * `product-defaults.json`. Returns the path for CliOptions.program.
 */
export function copyProgramTo(dir: string): string {
  return installProgram(useBed().program, dir);
}

export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return startCli(args, opts).result;
}

export function startCli(args: readonly string[], opts: CliOptions = {}): RunningCli {
  const program = opts.program ?? useBed().program;
  if (!existsSync(program)) throw new Error(`${program} does not exist: run \`npm run build\` first`);
  const env: NodeJS.ProcessEnv = opts.as
    ? { ...opts.as.env }
    : { ...withoutTestRunnerVars(process.env), ...useBed().env, XDG_STATE_HOME: stateHomeOfThisFile() };
  for (const [key, value] of Object.entries(opts.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  refuseNodeOnPath(env.PATH ?? "");
  const [cmd, ...prefix] = [...(opts.launcher ?? (isScript(program) ? [process.execPath] : [])), program];
  const child = spawn(cmd ?? program, [...prefix, ...args], {
    env,
    cwd: opts.cwd ?? opts.as?.home,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: opts.timeoutMs ?? 150_000,
    detached: opts.ownGroup === true,
    // Node drops root's supplementary groups here, so the operator has only its own.
    ...(opts.as ? { uid: opts.as.uid, gid: opts.as.gid } : {}),
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  let ended = false;
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      ended = true;
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    pid: child.pid ?? -1,
    kill: (signal) => child.kill(signal),
    killGroup: (signal) => {
      if (opts.ownGroup !== true) throw new Error("killGroup needs startCli(..., { ownGroup: true })");
      process.kill(-(child.pid ?? 0), signal);
    },
    closeOutput: () => {
      child.stdout.destroy();
      child.stderr.destroy();
    },
    output: () => ({ stdout, stderr }),
    running: () => !ended,
    result,
  };
}

/**
 * The operator's host has no Node.js: a test that hands the program a PATH
 * with `node` on it would prove nothing about the binary, so it fails.
 */
function refuseNodeOnPath(path: string): void {
  const node = findOnPath("node", path);
  if (node) throw new Error(`the program's PATH must not hold node, but ${node} is on it (PATH=${path})`);
}

/**
 * The runs of one test file share a state directory (open upload sessions,
 * blobs remembered for mounts), and no other file sees it: a blob one file
 * pushed is not mounted by the next, whatever order they run in. Module
 * state is per file: vitest isolates each test file's modules.
 */
let fileStateHome: string | undefined;
function stateHomeOfThisFile(): string {
  return (fileStateHome ??= testDir());
}

/** The user's environment has none of the variables vitest sets in its workers. */
function withoutTestRunnerVars(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^(VITEST.*|TEST|NODE_ENV)$/.test(key)));
}
