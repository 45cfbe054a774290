/**
 * The fix for a registry certificate nobody here trusts (TLS_UNTRUSTED), in
 * the order an operator should try it: the CA they were handed
 * (--ca-file), then the CA in certs.d for every run, then turning
 * verification off (podman) or the daemon's insecure list (docker).
 */
import type { ContainerToolName } from "../options/product-defaults.ts";

/** `tool`: who pushes (a bundle push is trusted like podman). */
export function untrustedCertificateFix(tool: ContainerToolName, host: string): string {
  return tool === "podman"
    ? `add --ca-file <the registry's CA, PEM>, or put that CA in /etc/containers/certs.d/${host}/ca.crt, or add -t to skip verification`
    : `add --ca-file <the registry's CA, PEM> to be told what dockerd needs (that CA in /etc/docker/certs.d/${host}/ca.crt), `
      + `or add "${host}" to "insecure-registries" in /etc/docker/daemon.json and restart docker`;
}

/** The --ca-file CAs were trusted and the certificate still has no known issuer: they are not its CA. */
export function wrongCaFileFix(host: string, caFiles: readonly string[]): string {
  return `${caFiles.join(", ")} did not sign the certificate ${host} sends: '${showChainCommand(host)}' shows the chain and its issuer; `
    + "give that CA with --ca-file";
}

/** The command that prints the certificates a registry sends (s_client's own default port is 4433, not 443). */
export function showChainCommand(host: string): string {
  const withPort = /:\d+$/.test(host) ? host : `${host}:443`;
  return `openssl s_client -showcerts -connect ${withPort} </dev/null`;
}
