/**
 * The -r value: `host[:port][/path...]`, checked rule by rule so each
 * mistake the seed's users made gets its own message and a corrected -r.
 */
import { inputError } from "./errors.ts";
import { hostProblem, looksLikeHost, pathComponentProblem } from "./reference-rules.ts";

export interface RegistryUri {
  /** `host[:port]` as typed: the registry to talk to. */
  readonly host: string;
  /** Repository path under the host, possibly empty. */
  readonly path: string[];
  /** `host[:port][/path]`, the prefix of every target. */
  readonly prefix: string;
}

const SHELL_METACHARACTERS = /[;&|$`<>(){}*?!"'\\#~]/;

export function parseRegistryUri(value: string): RegistryUri {
  // A password typed into -r must not be echoed back.
  const shown = value.replace(/[^/@]*@/, "****@");
  const refuse = (why: string, suggestion?: string) =>
    inputError(
      "INVALID_REGISTRY",
      `-r ${JSON.stringify(shown)} is not a registry: ${why}`,
      suggestion ? `use -r ${suggestion}` : "use -r host[:port][/path], for example -r registry.example.com/apim",
    );

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value);
  if (scheme) throw refuse(`drop the scheme '${scheme[1]}://'`, shown.slice(scheme[0].length).replace(/\/+$/, ""));
  if (/\s/.test(value)) throw refuse("it contains white space");
  const meta = SHELL_METACHARACTERS.exec(value);
  if (meta) throw refuse(`it contains '${meta[0]}', which no registry name has`);
  if (value.includes("@")) {
    throw refuse("user info does not belong in -r; log in with 'podman login' or 'docker login' instead", value.slice(value.lastIndexOf("@") + 1));
  }
  if (value.endsWith("/")) throw refuse("remove the trailing '/'", value.replace(/\/+$/, ""));
  if (value.includes("//")) throw refuse("it contains '//'", value.replace(/\/{2,}/g, "/"));
  if (/[^A-Za-z0-9.:/_\[\]-]/.test(value)) throw refuse("it contains characters outside letters, digits, '.', ':', '/', '_', '-'");

  const [host = "", ...path] = value.split("/");
  const badHost = hostProblem(host);
  if (badHost) throw refuse(badHost);
  // docker and podman read a first part without '.', ':' or "localhost" as a
  // Docker Hub namespace: harbor/apim would silently go to docker.io/harbor/apim.
  if (!looksLikeHost(host)) {
    throw refuse(`"${host}" would be taken as a Docker Hub namespace, not a registry host (a host has a '.', a ':port', or is localhost)`, `${host}.<domain>${path.length ? `/${path.join("/")}` : ""} or -r docker.io/${value}`);
  }
  for (const component of path) {
    const problem = pathComponentProblem(component);
    if (problem) throw refuse(problem, [host, ...path.map((c) => c.toLowerCase())].join("/"));
  }
  return { host, path, prefix: value };
}
