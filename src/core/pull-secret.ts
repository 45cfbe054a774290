/**
 * What the summary says when the registry refuses anonymous pulls: the
 * cluster's nodes need a pull secret, the kubectl line that makes one
 * (the user filled in when the run knows it; never a password), and where
 * the secret is named.
 */
import { formatCommand } from "../engine/command-text.ts";

export interface PullSecretSetting {
  /** `host[:port]` of -r. */
  readonly host: string;
  /** The user of the login the run used, when it used one. */
  readonly username?: string;
  /** --registry-type, when given. */
  readonly registryType?: string;
}

/** Docker Hub's logins are keyed by its v1 index URL in kubelet's credential lookup, not by docker.io. */
const DOCKER_HUB_SERVER = "https://index.docker.io/v1/";

export function pullSecretLines({ host, username, registryType }: PullSecretSetting): string[] {
  const server = registryType === "dockerhub" ? DOCKER_HUB_SERVER : host;
  // The placeholders stay unquoted: they are to be replaced, not pasted.
  const user = username === undefined ? "<user>" : formatCommand(username, []);
  const create =
    `kubectl create secret docker-registry <name> --docker-server=${formatCommand(server, [])} ` +
    `--docker-username=${user} --docker-password=<password>`;
  const lines = [
    `Pull access: ${host} wants a login to pull these images, so the cluster's nodes need credentials to pull ` +
      "them (without, the pods stop in ImagePullBackOff). Create a pull secret in each namespace that runs them:",
    `  ${create}`,
    "  and name it under imagePullSecrets: in each pod spec (spec.imagePullSecrets: [{name: <name>}], or the " +
      "chart's imagePullSecrets value), or in the namespace's service account: " +
      `kubectl patch serviceaccount default -p '{"imagePullSecrets":[{"name":"<name>"}]}'`,
  ];
  if (registryType === "harbor") {
    lines.push("  Harbor: a robot account with pull permission on the project is the usual choice (Project > Robot Accounts).");
  }
  return lines;
}
