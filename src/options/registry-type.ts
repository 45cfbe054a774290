/**
 * Which kind of registry -r names. Hosted registries are known by their
 * host names; a Harbor on the customer's own host is known by its
 * `/api/v2.0/systeminfo`, asked only when -r matches no known host.
 */
import { inputError } from "../core/errors.ts";
import { httpGet } from "../registry/http.ts";
import { RegistryAgent } from "../registry/registry-agent.ts";

export const REGISTRY_TYPES = ["generic", "harbor", "gcr", "artifact-registry", "ecr", "dockerhub", "quay"] as const;
export type RegistryType = (typeof REGISTRY_TYPES)[number];

const HOST_PATTERNS: ReadonlyArray<readonly [RegistryType, RegExp]> = [
  ["gcr", /^(?:[a-z0-9-]+\.)?gcr\.io$/],
  ["artifact-registry", /^[a-z0-9-]+-docker\.pkg\.dev$/],
  ["ecr", /^\d{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/],
  ["dockerhub", /^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)$/],
  ["quay", /^quay\.io$/],
];

/** The type a host name alone tells, or undefined. */
export function registryTypeOfHost(host: string): RegistryType | undefined {
  const name = host.replace(/:\d+$/, "").toLowerCase();
  return HOST_PATTERNS.find(([, pattern]) => pattern.test(name))?.[0];
}

export function parseRegistryType(value: string): RegistryType {
  if ((REGISTRY_TYPES as readonly string[]).includes(value)) return value as RegistryType;
  throw inputError(
    "USAGE",
    `--registry-type ${JSON.stringify(value)} is not a known registry type`,
    `use one of: ${REGISTRY_TYPES.join(", ")}`,
  );
}

/**
 * --registry-type when given; else the host's type; else Harbor if the
 * registry answers Harbor's system-info API; else generic. The probe sends
 * no credentials and only reads, so it does not verify TLS. It takes the
 * proxy `env` names, as every request to the registry does.
 */
export async function resolveRegistryType(
  host: string,
  explicit: RegistryType | undefined,
  signal?: AbortSignal,
  env: NodeJS.ProcessEnv = {},
): Promise<RegistryType> {
  if (explicit) return explicit;
  const known = registryTypeOfHost(host);
  if (known) return known;
  const harbor = await looksLikeHarbor(host, new RegistryAgent({ verify: false, env }), signal);
  signal?.throwIfAborted();
  return harbor ? "harbor" : "generic";
}

async function looksLikeHarbor(host: string, agent: RegistryAgent, signal?: AbortSignal): Promise<boolean> {
  // Both schemes at once: on a distant registry each try costs round trips.
  // An unreachable registry is preflight's to report, not this probe's.
  const answers = await Promise.all(
    ["https", "http"].map((scheme) =>
      httpGet(`${scheme}://${host}/api/v2.0/systeminfo`, { verify: false, timeoutMs: 3000, signal, agent }).catch(
        () => undefined,
      ),
    ),
  );
  // auth_mode is answered to anonymous callers by every Harbor 2.x; the version is not.
  return answers.some((response) => response?.status === 200 && /"auth_mode"/.test(response.body));
}
