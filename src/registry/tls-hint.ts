/**
 * The one source of the TLS fixes a hint names. A certificate nobody here
 * trusts (TLS_UNTRUSTED), in the order an operator should try it: the CA
 * they were handed (--ca-file), then the CA in certs.d for every run, then
 * turning verification off (podman) or the daemon's insecure list (docker).
 * A registry that speaks plain HTTP only (REGISTRY_HTTP_ONLY): -t for
 * podman, the daemon's insecure list for docker.
 */
import { join } from "node:path";
import type { ContainerToolName } from "../options/product-defaults.ts";
import { certsDirectories } from "./trusted-cas.ts";

/** `tool`: who pushes (a bundle push is trusted like podman). */
export function untrustedCertificateFix(tool: ContainerToolName, host: string): string {
  return tool === "podman"
    ? `add --ca-file <the registry's CA, PEM>, or put that CA in ${certsDirectoryCa(tool, host)}, or add -t to skip verification`
    : `add --ca-file <the registry's CA, PEM> to be told what dockerd needs (that CA in ${certsDirectoryCa(tool, host)}), ` +
        `or ${dockerInsecureRegistryStep(host)}`;
}

/** `tool`: who pushes (a bundle push goes like podman). */
export function httpOnlyFix(tool: ContainerToolName, host: string): string {
  return tool === "podman" ? "add -t to push to it without TLS" : dockerInsecureRegistryStep(host);
}

/** -t cannot turn verification off for docker: only the daemon's own settings can. */
export function dockerTlsSkipFix(host: string): string {
  return `${dockerInsecureRegistryStep(host)}, or put the registry's CA in ${certsDirectoryCa("docker", host)} and drop -t`;
}

/** docker has no per-push TLS switch: the daemon must list the registry as insecure. */
function dockerInsecureRegistryStep(host: string): string {
  return `add "${host}" to "insecure-registries" in /etc/docker/daemon.json and restart docker`;
}

/** The CA file a hint suggests: the system-wide certs.d directory the tool reads for this registry. */
function certsDirectoryCa(tool: ContainerToolName, host: string): string {
  const [systemWide = ""] = certsDirectories(tool, host);
  return join(systemWide, "ca.crt");
}

/** The --ca-file CAs were trusted and the certificate still has no known issuer: they are not its CA. */
export function wrongCaFileFix(host: string, caFiles: readonly string[]): string {
  return (
    `${caFiles.join(", ")} did not sign the certificate ${host} sends: '${showChainCommand(host)}' shows the chain and its issuer; ` +
    "give that CA with --ca-file"
  );
}

/** The command that prints the certificates a registry sends (s_client's own default port is 4433, not 443). */
export function showChainCommand(host: string): string {
  const withPort = /:\d+$/.test(host) ? host : `${host}:443`;
  return `openssl s_client -showcerts -connect ${withPort} </dev/null`;
}
