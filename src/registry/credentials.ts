/**
 * The credentials `podman login` or `docker login` stored for a registry,
 * read from the same files, in the same order, as the tools read them
 * (auth-files.ts), and through a credential helper when one is configured.
 * A file the tool cannot read either is reported, not taken for "no login".
 */
import { readFileSync } from "node:fs";
import { failure, PushImagesError } from "../core/errors.ts";
import { exitStatus, failureDetail } from "../engine/command-failure.ts";
import { formatCommand } from "../engine/command-text.ts";
import type { ContainerToolName } from "../options/product-defaults.ts";
import type { Shell } from "../engine/shell.ts";
import { authFiles } from "./auth-files.ts";
import { credentialHelperFix, loginCommand } from "./login-command.ts";

export interface Credentials {
  readonly username: string;
  readonly password: string;
  /** Where they were found, for --verbose. */
  readonly source: string;
}

/** Which registry, with which tool, and whether the push verifies TLS (for the login hint). */
export interface CredentialsQuery {
  readonly host: string;
  readonly tool: ContainerToolName;
  readonly tlsVerify: boolean;
}

interface AuthFile {
  auths?: Record<string, { auth?: string } | undefined>;
  credHelpers?: Record<string, string | undefined>;
  credsStore?: string;
}

/** Standard base64 with padding, as Go's base64.StdEncoding (both tools) demands. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The first login found for the host. Like containers-image, a broken file
 * is passed over when a later one has the login, and reported
 * (AUTH_FILE_INVALID) when none has.
 */
export async function storedCredentials(
  query: CredentialsQuery,
  env: NodeJS.ProcessEnv,
  shell: Shell,
): Promise<Credentials | undefined> {
  let broken: PushImagesError | undefined;
  for (const file of authFiles(query.tool, env)) {
    const config = readAuthFile(file, query);
    if (config instanceof PushImagesError) {
      broken ??= config;
      continue;
    }
    const found = config && ((await fromHelper(config, file, query, shell)) ?? fromAuths(config, file, query));
    if (found instanceof PushImagesError) broken ??= found;
    else if (found) return found;
  }
  if (broken) throw broken;
  return undefined;
}

function readAuthFile(file: string, query: CredentialsQuery): AuthFile | PushImagesError | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    // Missing (the usual case) or unreadable: the tool skips it too.
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return brokenFile(file, `is not valid JSON${whereJsonBroke(text, (error as Error).message)}`, query);
  }
  if (!isObject(parsed) || !(parsed.auths === undefined || isObject(parsed.auths))) {
    return brokenFile(file, `is not an auth file: it must be a JSON object whose "auths" is an object`, query);
  }
  return parsed as AuthFile;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** podman reads only a per-registry helper; docker also the default `credsStore`, and then ignores "auths". */
/** A login found in one place, none there, or why the tool could not read it either. */
type Lookup = Credentials | PushImagesError | undefined;

async function fromHelper(config: AuthFile, file: string, query: CredentialsQuery, shell: Shell): Promise<Lookup> {
  const helper = config.credHelpers?.[query.host] ?? (query.tool === "docker" ? config.credsStore : undefined);
  return helper ? askHelper(helper, file, query, shell) : undefined;
}

function fromAuths(config: AuthFile, file: string, query: CredentialsQuery): Lookup {
  const auth = Object.entries(config.auths ?? {}).find(([key]) => normaliseKey(key) === query.host)?.[1]?.auth;
  // An entry without "auth" is a login kept elsewhere (a helper), or none.
  if (!auth) return undefined;
  const decoded = BASE64.test(auth) ? Buffer.from(auth, "base64").toString("utf8") : "";
  const colon = decoded.indexOf(":");
  if (colon <= 0) {
    return brokenFile(file, `holds a login for ${query.host} whose "auth" is not the base64 of user:password`, query, "entry");
  }
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source: file };
}

/**
 * A broken entry goes with the tool's logout (which keeps the file's other
 * logins); a file that is not JSON defeats logout too, so it is set aside.
 */
function brokenFile(file: string, what: string, query: CredentialsQuery, scope: "file" | "entry" = "file"): PushImagesError {
  const login = loginCommand(query.tool, query.host, query.tlsVerify);
  const logout =
    query.tool === "podman" ? formatCommand("podman", ["logout", "--authfile", file, query.host]) : `docker logout ${query.host}`;
  return failure(
    "AUTH_FILE_INVALID",
    `the stored logins file ${file} ${what}; ${query.tool} cannot read the login for ${query.host} from it either`,
    scope === "entry"
      ? `run '${logout} && ${login}', then run push-images again`
      : `fix ${file} by hand, or set it aside and log in again: run '${formatCommand("mv", [file, `${file}.broken`])} && ${login}'`,
  );
}

/**
 * Where the JSON breaks, without quoting the file: V8's own message quotes
 * the text around the error, which may be a password.
 */
function whereJsonBroke(text: string, message: string): string {
  const position = /position (\d+)/.exec(message)?.[1];
  if (position === undefined) return /end of JSON/i.test(message) ? " (it ends too early)" : "";
  const before = text.slice(0, Number(position)).split("\n");
  return ` (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
}

/** Keys may be written as "host", "https://host" or "https://host/v1/". */
function normaliseKey(key: string): string {
  const bare = key.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  return bare === "index.docker.io" ? "docker.io" : bare;
}

/**
 * A helper that cannot run (not installed, not executable) fails the tool's
 * own push too, so it is reported like a broken file; one that runs and
 * has no login for the host (exit 1, "credentials not found") is no login.
 */
async function askHelper(helper: string, file: string, query: CredentialsQuery, shell: Shell): Promise<Lookup> {
  const command = `docker-credential-${helper}`;
  const result = await shell.run(command, ["get"], { input: query.host });
  if (result.exitCode === 126 || result.exitCode === 127) {
    const failed = { command, args: ["get"], ...result };
    const message = `${file} names the credential helper ${command} for ${query.host}, and it cannot run: ${exitStatus(result.exitCode)}`;
    const fix = credentialHelperFix(file, loginCommand(query.tool, query.host, query.tlsVerify), command);
    return failure("CREDENTIAL_HELPER_FAILED", message, fix, failureDetail(failed));
  }
  if (result.exitCode !== 0) return undefined;
  try {
    const { Username, Secret } = JSON.parse(result.stdout) as { Username?: string; Secret?: string };
    return Username && Secret ? { username: Username, password: Secret, source: `docker-credential-${helper}` } : undefined;
  } catch {
    return undefined;
  }
}
