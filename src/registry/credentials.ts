/**
 * The credentials `podman login` or `docker login` stored for a registry,
 * read from the same files, in the same order, as the tools read them, and
 * through a credential helper when one is configured.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { ContainerToolName } from "../product-defaults.ts";
import type { Shell } from "../shell.ts";

export interface Credentials {
  readonly username: string;
  readonly password: string;
  /** Where they were found, for --verbose. */
  readonly source: string;
}

interface AuthFile {
  auths?: Record<string, { auth?: string } | undefined>;
  credHelpers?: Record<string, string | undefined>;
  credsStore?: string;
}

/** The auth files the tool consults, first match wins. */
export function authFiles(tool: ContainerToolName, env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? homedir();
  const dockerConfig = join(env.DOCKER_CONFIG ?? join(home, ".docker"), "config.json");
  if (tool === "docker") return [dockerConfig];
  const uid = process.getuid?.() ?? 0;
  // podman's default for root without a session is /run/containers/0.
  const runtimeAuth = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, "containers/auth.json") : uid === 0 ? "/run/containers/0/auth.json" : undefined;
  return [
    ...(env.REGISTRY_AUTH_FILE ? [env.REGISTRY_AUTH_FILE] : []),
    ...(runtimeAuth ? [runtimeAuth] : []),
    join(home, ".config/containers/auth.json"),
    dockerConfig,
  ];
}

export async function storedCredentials(
  host: string,
  tool: ContainerToolName,
  env: NodeJS.ProcessEnv,
  shell: Shell,
): Promise<Credentials | undefined> {
  for (const file of authFiles(tool, env)) {
    const config = readAuthFile(file);
    if (!config) continue;
    const entry = Object.entries(config.auths ?? {}).find(([key]) => normaliseKey(key) === host)?.[1];
    if (entry?.auth) {
      const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source: file };
    }
    const helper = config.credHelpers?.[host] ?? config.credsStore;
    if (helper) {
      const fromHelper = await askHelper(helper, host, shell);
      if (fromHelper) return fromHelper;
    }
  }
  return undefined;
}

/** Keys may be written as "host", "https://host" or "https://host/v1/". */
function normaliseKey(key: string): string {
  const bare = key.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  return bare === "index.docker.io" ? "docker.io" : bare;
}

function readAuthFile(file: string): AuthFile | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as AuthFile;
  } catch {
    // The tool itself will complain about a broken file; preflight treats it as absent.
    return undefined;
  }
}

async function askHelper(helper: string, host: string, shell: Shell): Promise<Credentials | undefined> {
  const result = await shell.run(`docker-credential-${helper}`, ["get"], { input: host });
  if (result.exitCode !== 0) return undefined;
  try {
    const { Username, Secret } = JSON.parse(result.stdout) as { Username?: string; Secret?: string };
    return Username && Secret ? { username: Username, password: Secret, source: `docker-credential-${helper}` } : undefined;
  } catch {
    return undefined;
  }
}
