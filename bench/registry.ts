/**
 * A fresh distribution registry (`docker-registry serve`) on a free
 * loopback port with its own storage directory: every measured run starts
 * from an empty registry, so no run profits from an earlier one's blobs.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import type { Cleanup } from "./cleanup.ts";
import { freePort } from "./ports.ts";

export interface Registry {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** Tags of a repository, read straight from the registry (not through a proxy). */
  tags(repository: string): Promise<string[]>;
  /** Blob uploads completed so far (the PUT that closes an upload session), from the access log; NaN without one. */
  uploads(): number;
  /**
   * Blob uploads that carried data, from the access log (NaN without one): each upload session
   * (its /blobs/uploads/<id> URL) that got a PATCH or its closing PUT counts once, as does each
   * single-request POST ...?digest=; cross-repository mounts carry no data and do not count.
   */
  dataUploads(): number;
}

export interface RegistryOptions {
  /** Log every request, to count uploads (issue 13); off by default, since it costs the registry time on each request. */
  readonly accessLog?: boolean;
}

/** distribution's access log line of a completed blob upload. */
const UPLOAD_DONE = /"PUT \/v2\/\S+\/blobs\/uploads\/\S* HTTP\/[\d.]+" 201 /;
/** A request that carries blob data into an upload session (group 1: the session's id). */
const SESSION_DATA = /"(?:PATCH|PUT) \/v2\/\S+\/blobs\/uploads\/([^/?\s]+)\S* HTTP\/[\d.]+" 2\d\d /;
/** A whole blob in one POST (no session). */
const MONOLITHIC_POST = /"POST \/v2\/\S+\/blobs\/uploads\/\?(?:\S*&)?digest=\S* HTTP\/[\d.]+" 201 /;

// A free port can be taken before the registry binds it.
const PORT_ATTEMPTS = 3;

export async function startRegistry(dir: string, cleanup: Cleanup, options: RegistryOptions = {}): Promise<Registry> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(dir, await freePort(), cleanup, options);
    } catch (error) {
      if (attempt >= PORT_ATTEMPTS || !/address already in use/.test((error as Error).message)) throw error;
    }
  }
}

async function startOn(dir: string, port: number, cleanup: Cleanup, { accessLog = false }: RegistryOptions): Promise<Registry> {
  const host = `127.0.0.1:${port}`;
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "config.yml");
  const logFile = join(dir, "registry.log");
  // YAML is a superset of JSON.
  writeFileSync(
    config,
    JSON.stringify({
      version: 0.1,
      log: { level: "error", accesslog: { disabled: !accessLog } },
      storage: { filesystem: { rootdirectory: join(dir, "data") } },
      http: { addr: host, secret: "push-images-bench" },
    }),
  );
  const log = openSync(logFile, "a");
  // distribution reads REGISTRY_* variables as config overrides: REGISTRY_AUTH_FILE,
  // which podman users set, would turn on an "auth.file" the registry refuses.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("REGISTRY_")));
  const child = spawn("docker-registry", ["serve", config], { stdio: ["ignore", log, log], env, detached: true });
  closeSync(log);
  let exited: string | undefined;
  const gone = new Promise<void>((resolve) => {
    child.once("error", (error) => ((exited = error.message), resolve()));
    child.once("exit", (code, signal) => ((exited = `exited ${code ?? signal}`), resolve()));
  });
  cleanup.add(`stop registry ${host}`, async () => {
    if (!exited) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const deadline = Date.now() + 20_000;
  while ((await status(`http://${host}/v2/`)) !== 200) {
    if (exited || Date.now() > deadline) {
      const why = readFileSync(logFile, "utf8").trim().split("\n").slice(-5).join("\n");
      throw new Error(`registry at ${host} did not start (${exited ?? "no answer in 20 s"}):\n${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const lines = () => readFileSync(logFile, "utf8").split("\n");
  const uploads = () => (accessLog ? lines().filter((line) => UPLOAD_DONE.test(line)).length : Number.NaN);
  const dataUploads = () => (accessLog ? countDataUploads(lines()) : Number.NaN);
  return { host, tags: (repository) => tagsOf(host, repository), uploads, dataUploads };
}

function countDataUploads(lines: readonly string[]): number {
  const sessions = new Set(lines.flatMap((line) => SESSION_DATA.exec(line)?.[1] ?? []));
  return sessions.size + lines.filter((line) => MONOLITHIC_POST.test(line)).length;
}

async function tagsOf(host: string, repository: string): Promise<string[]> {
  const body = await get(`http://${host}/v2/${repository}/tags/list`);
  return body.status === 200 ? ((JSON.parse(body.text) as { tags?: string[] }).tags ?? []) : [];
}

async function status(url: string): Promise<number> {
  return (await get(url)).status;
}

function get(url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 2_000 }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      res.on("error", () => resolve({ status: 0, text }));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve({ status: 0, text: "" }));
    req.end();
  });
}
