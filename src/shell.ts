/**
 * The one module that runs external commands. Arguments are always lists
 * (zx quotes each one), so no value a user typed is ever read by a shell.
 * Dry-run lives here once: commands that change something are shown, not run.
 */
import { $, type ProcessPromise } from "zx/core";
import { formatCommand, maskSecrets } from "./command-text.ts";
import type { Logger } from "./logger.ts";

// Kept importable from here, where commands are run.
export { formatCommand, maskSecrets };

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** The command changes local storage or the registry: skipped in dry-run. */
  readonly mutates?: boolean;
  /** Text handed to the command's standard input. */
  readonly input?: string;
}

export interface Shell {
  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Stops every running command (Ctrl-C, SIGTERM). */
  stopAll(): void;
}

export interface ShellOptions {
  readonly dryRun: boolean;
  readonly log: Logger;
}

export function createShell({ dryRun, log }: ShellOptions): Shell {
  const running = new Set<ProcessPromise>();
  return {
    async run(command, args, options = {}) {
      const shown = maskSecrets(formatCommand(command, args));
      if (dryRun && options.mutates) {
        log.info(`  would run: ${shown}`);
        return { exitCode: 0, stdout: "", stderr: "" };
      }
      log.verbose(`$ ${shown}`);
      // Each command leads its own process group, so stopping it also stops
      // what it started (podman's helpers, a credential helper).
      const child = $({ nothrow: true, quiet: true, detached: true, input: options.input })`${command} ${args}`;
      running.add(child);
      const output = await child.finally(() => running.delete(child));
      const result = { exitCode: output.exitCode ?? 1, stdout: output.stdout, stderr: output.stderr };
      const raw = `${result.stdout}${result.stderr}`.trim();
      if (raw) log.verbose(indent(maskSecrets(raw)));
      if (result.exitCode !== 0) log.verbose(`  (exit code ${result.exitCode}${exitMeaning(result.exitCode)})`);
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

function stopGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    // Already gone.
  }
}

function indent(text: string): string {
  return text.replace(/^/gm, "  ");
}

function exitMeaning(code: number): string {
  if (code === 126) return ": command found but not executable";
  if (code === 127) return ": command not found";
  if (code > 128) return `: killed by signal ${code - 128}`;
  return "";
}
