/**
 * Long-running bed processes (registries, dockerd): output goes to a log
 * file, so a failed start can quote it, and stop() waits for the process to
 * be gone so its files and mounts can be removed after.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

export class Daemon {
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #exit: string | undefined;

  constructor(
    readonly name: string,
    command: readonly [string, ...string[]],
    readonly logFile: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const [cmd, ...args] = command;
    const log = openSync(logFile, "a");
    try {
      this.#child = spawn(cmd, args, { env, stdio: ["ignore", log, log] });
    } finally {
      closeSync(log);
    }
    this.#exited = new Promise((resolve) => {
      this.#child.once("error", (err) => {
        this.#exit = `could not start ${cmd}: ${err.message}`;
        resolve();
      });
      this.#child.once("exit", (code, signal) => {
        this.#exit = `exited ${code ?? signal}`;
        resolve();
      });
    });
  }

  /** Why it is no longer running, or undefined while it runs. */
  get exitReason(): string | undefined {
    return this.#exit;
  }

  /** Last lines of its log, for error messages. */
  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }

  /** SIGTERM, then SIGKILL if it has not gone after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.#exit) return;
    this.#child.kill("SIGTERM");
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}
