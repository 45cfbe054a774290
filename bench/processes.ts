/**
 * Runs the commands the bench measures or needs. Arguments are lists (no
 * shell). Every child leads its own process group and is remembered until
 * it exits, so an interrupted bench can stop it and whatever it started
 * (podman's helpers) by that group's id.
 */
import { spawn, type ChildProcess } from "node:child_process";

export interface Timed {
  readonly ms: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** A hung push must not hang the bench; generous, since a slow one is still a result. */
  readonly timeoutMs?: number;
  /** Called with the child's pid once it is spawned (to watch it in /proc). */
  readonly onSpawn?: (pid: number) => void;
}

const running = new Set<ChildProcess>();

/** Runs a command to its end and measures its wall time (spawn to exit), whatever its exit code. */
export function timed(command: string, args: readonly string[], options: RunOptions = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    running.add(child);
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), options.timeoutMs ?? 15 * 60_000);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(new Error(`cannot run ${command}: ${error.message}`));
    });
    child.once("close", (code) => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      running.delete(child);
      resolve({ ms, code, stdout, stderr });
    });
  });
}

/** Like `timed`, but a non-zero exit is an error that quotes the command and the end of its output. */
export async function mustRun(command: string, args: readonly string[], options: RunOptions = {}): Promise<Timed> {
  const result = await timed(command, args, options);
  if (result.code !== 0)
    throw new Error(
      `\`${[command, ...args].join(" ")}\` exited ${result.code ?? "by signal"}:\n${tail(result.stderr || result.stdout)}`,
    );
  return result;
}

/** Stops every child still running (Ctrl-C, a failed section), group and all. */
export function stopAllChildren(): void {
  for (const child of running) killGroup(child, "SIGTERM");
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export function tail(text: string, lines = 15): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}
