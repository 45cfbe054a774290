/**
 * Runs podman or docker against the bed's storage and daemon, for test
 * setup (logins, extra tags) and for checking local storage afterwards.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { emptyAuthFile } from "../../bed/client-env.ts";
import { run, runRaw, type RunResult } from "../../bed/run.ts";
import { useBed } from "./bed.ts";

export type Tool = "podman" | "docker";

function bedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...useBed().env, ...extra };
}

/** Runs the tool; throws unless it exits 0. */
export function tool(name: Tool, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  return run(name, args, { env: bedEnv(env) });
}

/** Runs the tool and returns its result whatever the exit code. */
export function toolRaw(name: Tool, args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  return runRaw(name, args, { env: bedEnv(env) });
}

/** Every `repository:tag` in the tool's local storage. */
export async function localRefs(name: Tool): Promise<string[]> {
  const out = await tool(name, ["images", "--format", "{{.Repository}}:{{.Tag}}"]);
  return out.split("\n").filter(Boolean);
}

/** A fresh directory for one test, removed with the bed. */
export function testDir(): string {
  const parent = join(useBed().root, "tests");
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(join(parent, "t-"));
}

/**
 * Login files of the test's own: podman's auth file (empty) and a docker
 * config directory. Tests that log in must not leak the login into tests
 * that run beside them and expect none.
 */
export function isolatedLogins(): { REGISTRY_AUTH_FILE: string; DOCKER_CONFIG: string } {
  const dir = testDir();
  const dockerConfig = join(dir, "docker-config");
  mkdirSync(dockerConfig);
  return { REGISTRY_AUTH_FILE: emptyAuthFile(join(dir, "auth.json")), DOCKER_CONFIG: dockerConfig };
}
