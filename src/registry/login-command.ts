/** The login command a hint tells the user to type, exactly as it must be typed. */
import type { ContainerToolName } from "../product-defaults.ts";

/**
 * `podman login [--tls-verify=false] <host>` or `docker login <host>`.
 * podman's login checks TLS unless told not to, so it fails against an
 * HTTP or self-signed registry that the push itself skips verifying (-t).
 */
export function loginCommand(tool: ContainerToolName, host: string, tlsVerify: boolean): string {
  return `${tool} login ${tool === "podman" && !tlsVerify ? "--tls-verify=false " : ""}${host}`;
}
