/**
 * Runs the bed's setup commands. Arguments are always lists (no shell), and a
 * failing command throws with the command line and its stderr, so a bed that
 * cannot start says exactly why.
 */
import { spawn } from "node:child_process";

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the command after this long; a hung setup step must not hang CI. */
  timeoutMs?: number;
  /** Run as this user (the bed's operator) instead of root. */
  as?: { uid: number; gid: number };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and returns its output, whatever its exit code. */
export function runRaw(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: opts.timeoutMs ?? 120_000,
      ...(opts.as ? { uid: opts.as.uid, gid: opts.as.gid } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (err) => reject(new Error(`test bed: cannot run ${cmd}: ${err.message}`)));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a command and throws unless it exits 0. Returns trimmed stdout. */
export async function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await runRaw(cmd, args, opts);
  if (r.code !== 0) {
    const shown = [cmd, ...args].join(" ");
    throw new Error(`test bed: \`${shown}\` exited ${r.code ?? "by signal/timeout"}:\n${r.stderr.trim() || r.stdout.trim()}`);
  }
  return r.stdout.trim();
}
