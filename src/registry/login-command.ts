/**
 * The login command a hint tells the user to type, exactly as it must be
 * typed, and the one text of each fix that names it.
 */
import { formatCommand } from "../engine/command-text.ts";
import type { ContainerToolName } from "../options/product-defaults.ts";

/**
 * `podman login [--tls-verify=false] [-u <user>] <host>` or `docker login [-u <user>] <host>`.
 * podman's login checks TLS unless told not to, so it fails against an
 * HTTP or self-signed registry that the push itself skips verifying (-t).
 * The user is quoted for bash: a Harbor robot account's `robot$project+name`
 * would otherwise lose `$project` to the shell.
 */
export function loginCommand(tool: ContainerToolName, host: string, tlsVerify: boolean, username?: string): string {
  const tls = tool === "podman" && !tlsVerify ? ["--tls-verify=false"] : [];
  return formatCommand(tool, ["login", ...tls, ...(username === undefined ? [] : ["-u", username]), host]);
}

/** AUTH_REQUIRED's fix: `login` is loginCommand's, the one preflight names (RegistryConnection.login). */
export function loginRequiredFix(login: string): string {
  return `run '${login}', then run push-images again`;
}

/** AUTH_REJECTED's fix: the command last, so that it can be pasted whole (a robot account's name comes quoted for bash). */
export function loginRejectedFix(login: string): string {
  return `log in again with the current password (or change -u to another user), then run push-images again: ${login}`;
}

/** CREDENTIAL_HELPER_FAILED's fix: `where`, the file that names the helper; `helper`, its command when known. */
export function credentialHelperFix(where: string, login: string, helper = "the helper it names"): string {
  return `install ${helper}, or remove "credsStore"/"credHelpers" from ${where} and run '${login}' again`;
}
