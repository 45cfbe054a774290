/**
 * The one module that runs external commands. Arguments are always lists
 * (zx quotes each one), so no value a user typed is ever read by a shell.
 * Dry-run lives here once: commands that change something are shown, not run.
 */
import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { $, type ProcessPromise } from "zx/core";
import { exitStatus } from "./command-failure.ts";
import { formatCommand, maskSecrets, showCommand } from "./command-text.ts";
import type { Logger } from "../core/logger.ts";
import { watchForStall, type StallRule, type StallWatch } from "./stall-watch.ts";

// Kept importable from here, where commands are run.
export { formatCommand, maskSecrets, showCommand };

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Stopped because it made no progress for RunOptions.stallMs. */
  readonly stalled?: boolean;
}

export interface RunOptions {
  /** The command changes local storage or the registry: skipped in dry-run. */
  readonly mutates?: boolean;
  /** Text handed to the command's standard input. */
  readonly input?: string;
  /** Stop the command when it reads, writes and prints nothing for longer than this allows (src/engine/stall-watch.ts). */
  readonly stall?: StallRule;
  /** Each piece of output as the command prints it (stdout and stderr alike), for progress read from it. */
  readonly onOutput?: (text: string) => void;
  /**
   * Hands the command's standard output over as a stream, read at the
   * caller's pace (an archive of gigabytes), instead of collecting it: the
   * result's `stdout` is then empty. The caller must read it to its end or
   * destroy it, or the command never ends.
   */
  readonly stdout?: (stream: Readable) => void;
}

export interface Shell {
  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Stops every running command (Ctrl-C, SIGTERM). */
  stopAll(): void;
}

export interface ShellOptions {
  readonly dryRun: boolean;
  readonly log: Logger;
  /** The run's own temporary directory, the commands' TMPDIR (src/core/run-temp-dir.ts). */
  readonly tempDir?: string;
}

/** How long a stopped command gets to end on SIGTERM before it is killed. */
const STOP_GRACE_MS = 5_000;

export function createShell({ dryRun, log, tempDir }: ShellOptions): Shell {
  const running = new Set<ProcessPromise>();
  const env = tempDir ? { ...process.env, TMPDIR: tempDir } : process.env;
  return {
    async run(command, args, options = {}) {
      const shown = showCommand(command, args);
      if (dryRun && options.mutates) {
        log.info(`  would run: ${shown}`);
        return { exitCode: 0, stdout: "", stderr: "" };
      }
      log.verbose(`$ ${shown}`);
      // Each command leads its own process group, so stopping it also stops
      // what it started (podman's helpers, a credential helper).
      let stalled = false;
      let watch: StallWatch | undefined;
      const child = $({
        nothrow: true,
        quiet: true,
        detached: true,
        input: options.input,
        env,
        ...(options.stdout && { spawn: handOverStdout(options.stdout) }),
        log: (entry) => {
          if (entry.kind !== "stdout" && entry.kind !== "stderr") return;
          watch?.activity();
          options.onOutput?.(entry.data.toString());
        },
      })`${command} ${args}`;
      running.add(child);
      // A command that ends before reading its input (not installed: exit 127) breaks the pipe;
      // its exit code tells that story, the write's EPIPE must not end the program.
      child.child?.stdin?.on("error", () => {});
      if (options.stall !== undefined) {
        const rule = options.stall;
        // The child is spawned on the next turn; its pid is known from then on.
        setImmediate(() => {
          if (child.pid === undefined || !running.has(child)) return;
          watch = watchForStall(child.pid, rule, () => {
            stalled = true;
            stopGroup(child.pid);
          });
        });
      }
      const output = await child.finally(() => {
        running.delete(child);
        watch?.stop();
      });
      const result = {
        exitCode: output.exitCode ?? 1,
        stdout: output.stdout,
        stderr: output.stderr,
        ...(stalled ? { stalled } : {}),
      };
      const raw = `${result.stdout}${result.stderr}`.trim();
      if (raw) log.verbose(indent(maskSecrets(raw)));
      if (result.exitCode !== 0) log.verbose(`  -> ${exitStatus(result.exitCode)}`);
      return result;
    },
    stopAll() {
      // Each command leads its own process group (detached), so one signal to
      // the group stops it and its children; no `ps` walk, which zx's kill()
      // needs and minimal hosts may lack.
      for (const child of running) stopGroup(child.pid);
    },
  };
}

/** A spawn that gives the child's stdout to `take` and hides it from zx, which would collect it all. */
function handOverStdout(take: (stream: Readable) => void): typeof spawn {
  return ((command: string, args: readonly string[], options: object) => {
    const child = spawn(command, args, options);
    if (child.stdout) take(child.stdout);
    (child as { stdout: Readable | null }).stdout = null;
    return child;
  }) as typeof spawn;
}

/** SIGTERM to the command's process group, then SIGKILL to what is still there after a grace period. */
function stopGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  if (!signalGroup(pid, "SIGTERM")) return;
  setTimeout(() => signalGroup(pid, "SIGKILL"), STOP_GRACE_MS).unref();
}

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    // Already gone.
    return false;
  }
}

function indent(text: string): string {
  return text.replace(/^/gm, "  ");
}
