/**
 * One distribution registry (`docker-registry serve`), configured the way
 * the bed needs it: its own storage, deletes enabled, optional TLS and
 * htpasswd, optionally started inside a network namespace.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { ServerCert } from "./certs.ts";
import type { Cleanup } from "./cleanup.ts";
import { Daemon } from "./daemon.ts";
import { httpGet } from "./http.ts";
import { freePort } from "./ports.ts";
import { waitFor } from "./wait.ts";

export interface RegistrySpec {
  name: string;
  /** Directory for its config, storage and log. */
  dir: string;
  /** Address it listens on. */
  ip: string;
  /** Fixed port; by default a free loopback port. */
  port?: number;
  tls?: ServerCert;
  /** CA that signed `tls`, to check readiness over verified TLS. */
  caFile?: string;
  htpasswdFile?: string;
  /** distribution's `auth: token`: tokens from `realm`, signed by the certificate in `rootCertBundle`. */
  token?: TokenAuth;
  /** Command prefix to start it elsewhere, e.g. `ip netns exec NS`. */
  prefix?: readonly [string, ...string[]];
}

export interface TokenAuth {
  realm: string;
  service: string;
  issuer: string;
  /** PEM file of the certificate whose key signs the tokens. */
  rootCertBundle: string;
}

export interface StartedRegistry {
  host: string;
  url: string;
  /** Its output, with an access-log line per HTTP request. */
  logFile: string;
  /** Stops it (its storage stays: startRegistry on the same dir and port serves it again). */
  stop: () => Promise<void>;
}

// A free port can be taken by someone else before the registry binds it.
const PORT_ATTEMPTS = 3;

export async function startRegistry(spec: RegistrySpec, cleanup: Cleanup): Promise<StartedRegistry> {
  mkdirSync(spec.dir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = spec.port ?? (await freePort());
    try {
      return await startOn(spec, port, cleanup);
    } catch (err) {
      const portTaken = err instanceof Error && /address already in use/.test(err.message);
      if (!portTaken || spec.port !== undefined || attempt >= PORT_ATTEMPTS) throw err;
    }
  }
}

async function startOn(spec: RegistrySpec, port: number, cleanup: Cleanup): Promise<StartedRegistry> {
  const host = `${spec.ip}:${port}`;
  const url = `${spec.tls ? "https" : "http"}://${host}`;
  const configFile = join(spec.dir, `config-${port}.yml`);
  // YAML is a superset of JSON, so the config is written with JSON.stringify.
  writeFileSync(configFile, JSON.stringify(registryConfig(spec, host), null, 2));
  const serve = ["docker-registry", "serve", configFile] as const;
  const command: [string, ...string[]] = spec.prefix ? [...spec.prefix, ...serve] : [...serve];
  const daemon = new Daemon(`registry ${spec.name}`, command, join(spec.dir, "registry.log"), registryEnv());
  cleanup.add(`stop registry ${spec.name}`, () => daemon.stop());
  await waitFor(
    async () => {
      const res = await httpGet(`${url}/v2/`, { caFile: spec.caFile, timeoutMs: 2_000 });
      return res.status === 200 || (res.status === 401 && (spec.htpasswdFile !== undefined || spec.token !== undefined));
    },
    {
      what: `registry ${spec.name} at ${url}/v2/`,
      abort: () => daemon.exitReason,
      diagnostics: () => daemon.logTail(),
    },
  );
  return { host, url, logFile: daemon.logFile, stop: () => daemon.stop() };
}

/**
 * distribution reads every REGISTRY_* variable as a config override, so a
 * podman user's REGISTRY_AUTH_FILE would break its `auth` section: drop them.
 */
function registryEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("REGISTRY_")));
}

function registryConfig(spec: RegistrySpec, host: string): object {
  return {
    version: 0.1,
    // The access log lets tests count requests (blob uploads, manifest PUTs).
    log: { level: "info", accesslog: { disabled: false } },
    storage: {
      filesystem: { rootdirectory: join(spec.dir, "data") },
      delete: { enabled: true },
    },
    http: {
      addr: host,
      // An explicit secret silences the "generated random secret" warning.
      secret: randomBytes(16).toString("hex"),
      ...(spec.tls ? { tls: { certificate: spec.tls.certFile, key: spec.tls.keyFile } } : {}),
    },
    ...(spec.htpasswdFile ? { auth: { htpasswd: { realm: "push-images-bed", path: spec.htpasswdFile } } } : {}),
    ...(spec.token ? { auth: { token: tokenConfig(spec.token) } } : {}),
  };
}

function tokenConfig({ realm, service, issuer, rootCertBundle }: TokenAuth): object {
  return { realm, service, issuer, rootcertbundle: rootCertBundle };
}
