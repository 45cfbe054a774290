/**
 * Translates what podman or docker printed into one line that says what
 * happened and what to type. The seed's troubleshooting cases and the
 * failures operators meet most (401/403/404/429/5xx, x509, refused
 * connections, full disks, a stopped daemon) each have a pattern here.
 */
import { dirname } from "node:path";
import { failureDetail, lastLine, type FailedCommand } from "./command-failure.ts";
import { failure, type FailureCode, type PushImagesError } from "../core/errors.ts";
import type { ContainerToolName } from "../options/product-defaults.ts";
import { credentialHelperFix, loginCommand, loginRejectedFix, loginRequiredFix } from "../registry/login-command.ts";
import { httpOnlyFix, untrustedCertificateFix } from "../registry/tls-hint.ts";

export interface DiagnoseContext {
  readonly tool: ContainerToolName;
  /** `host[:port]` of the registry. */
  readonly registryHost: string;
  /** What was being done, e.g. "push of apim-le-cache". */
  readonly action: string;
  /** The command that printed the output: the error's detail shows it as every failed command is shown. */
  readonly command?: FailedCommand;
  /** The login command preflight named (RegistryConnection.login: -t and the user included), for a login fix. */
  readonly login?: string;
}

interface Diagnosis {
  readonly code: FailureCode;
  readonly pattern: RegExp;
  readonly message: (c: DiagnoseContext, output: string) => string;
  readonly hint: (c: DiagnoseContext, output: string) => string;
  /** Worth retrying: the same command may succeed later. */
  readonly transient?: boolean;
}

/** The login command preflight named when known; bare `<tool> login <host>` otherwise. */
const login = (c: DiagnoseContext) => c.login ?? loginCommand(c.tool, c.registryHost, true);

/** A pattern matching any of these regular-expression sources, given as lists so long ones stay readable. */
function anyOf(first: readonly string[], more: readonly string[], flags: string): RegExp {
  return new RegExp([...first, ...more].join("|"), flags);
}

/** Order matters: the first match wins, most specific first. */
const DIAGNOSES: readonly Diagnosis[] = [
  {
    code: "DAEMON_NOT_RUNNING",
    pattern: /Cannot connect to the Docker daemon|Is the docker daemon running/i,
    message: () => "the Docker daemon is not running",
    hint: () => "start it (sudo systemctl start docker), or use -c podman",
  },
  {
    code: "DOCKER_SOCKET_PERMISSION",
    pattern: /permission denied while trying to connect to the Docker daemon/i,
    message: () => "permission denied on the Docker daemon socket",
    hint: () => "add yourself to the docker group (sudo usermod -aG docker $USER, then log in again), or use -c podman",
  },
  {
    code: "SOURCE_IMAGE_MISSING",
    pattern: /image not known|No such image|does not exist locally|reference does not exist/i,
    message: (c) => `${c.action}: the source image is not in local storage`,
    hint: (c) => `run '${c.tool} images' to find the image and correct -p/-s`,
  },
  {
    code: "REGISTRY_HTTP_ONLY",
    pattern: /server gave HTTP response to HTTPS client/i,
    message: (c) => `${c.registryHost} speaks plain HTTP, not HTTPS`,
    hint: (c) => httpOnlyFix(c.tool, c.registryHost),
  },
  {
    code: "TLS_UNTRUSTED",
    pattern: /x509|certificate signed by unknown authority|failed to verify certificate|certificate is not valid/i,
    message: (c) => `the TLS certificate of ${c.registryHost} is not trusted`,
    hint: (c) => untrustedCertificateFix(c.tool, c.registryHost),
  },
  {
    code: "NAME_INVALID",
    pattern: /unknown transport|invalid reference format|Invalid image name|NAME_INVALID|repository name must/i,
    message: (c) => `${c.action}: the registry refused the image name`,
    hint: () => "check -r: no trailing '/', no '//', lower case only (see push-images --help)",
  },
  {
    code: "CREDENTIAL_HELPER_FAILED",
    pattern: /error getting credentials|docker-credential-[\w.-]+/i,
    message: (c) =>
      `the credential helper set in ${c.tool === "docker" ? "~/.docker/config.json" : "the auth file"} failed or is not installed`,
    hint: (c) => credentialHelperFix(c.tool === "docker" ? "~/.docker/config.json" : "the auth file", login(c)),
  },
  {
    code: "AUTH_REQUIRED",
    pattern: anyOf(
      ["no basic auth credentials", "authentication required", "requested access to the resource is denied.*unauthorized"],
      ["unauthorized: authentication"],
      "i",
    ),
    message: (c) => `${c.registryHost} requires you to log in`,
    hint: (c) => loginRequiredFix(login(c)),
  },
  {
    code: "AUTH_REJECTED",
    pattern: /\b401\b|unauthorized|invalid username\/password|incorrect username or password/i,
    message: (c) => `${c.registryHost} rejected your credentials`,
    hint: (c) => loginRejectedFix(login(c)),
  },
  {
    code: "ACCESS_DENIED",
    pattern: /\b403\b|denied|forbidden/i,
    message: (c) => `${c.registryHost} denied the push: your account may not write to this repository`,
    hint: () => "ask the registry's administrator for push rights on this path, or choose another -r path",
  },
  {
    code: "RATE_LIMITED",
    pattern: /\b429\b|toomanyrequests|too many requests|rate limit/i,
    message: (c) => `${c.registryHost} is rate limiting requests`,
    hint: () => "wait a few minutes and run push-images again; images already pushed are skipped",
    transient: true,
  },
  {
    code: "REPOSITORY_NOT_FOUND",
    pattern: /\b404\b|NAME_UNKNOWN|repository name not known|not found/i,
    message: (c) => `${c.action}: the registry has no such repository or project`,
    hint: () => "create the repository or project in the registry first, or choose another -r path",
  },
  {
    code: "DISK_FULL",
    pattern: /no space left on device|disk quota exceeded/i,
    message: (_c, output) => {
      const file = fullFile(output);
      if (!file) return "a disk is full (local storage or the registry's)";
      const tmpdir = runTmpdirOf(file);
      return tmpdir
        ? `no space left in TMPDIR (${tmpdir}), where the container tool copies images while it pushes (writing ${file})`
        : `${diskFullMessage(dirname(file))} (writing ${file})`;
    },
    // Not '<tool> system prune': it deletes images and containers the user may still want.
    hint: (_c, output) => {
      const file = fullFile(output);
      if (!file) return "free space (df -h shows each file system), then run the same command again";
      const tmpdir = runTmpdirOf(file);
      // The run's own directory is gone by the time this is read: name the TMPDIR it was made in.
      return tmpdir
        ? `free space there (df -h ${tmpdir} shows how much is left), or export TMPDIR=<a directory on a file system ` +
            "with room for the largest image>, then run the same command again"
        : diskFullHint(dirname(file));
    },
  },
  {
    // The registry answered, then the connection broke mid-transfer: a
    // restart, a proxy's or load balancer's size or time limit, a flaky link.
    code: "CONNECTION_LOST",
    pattern: anyOf(
      ["use of closed network connection", "broken pipe", "connection reset by peer", "unexpected EOF"],
      ["transport connection broken", "server closed idle connection", "server sent GOAWAY"],
      "i",
    ),
    message: (c) => `${c.action}: the connection to ${c.registryHost} broke during the transfer`,
    hint: () =>
      "run push-images again to finish (what is there is skipped); if it keeps happening, " +
      "check the proxies or load balancers on the way (upload size and time limits)",
    transient: true,
  },
  {
    code: "REGISTRY_UNREACHABLE",
    pattern: anyOf(
      ["connection refused", "no such host", "i/o timeout", "connection reset", "network is unreachable", "no route to host"],
      ["EOF$", "TLS handshake timeout", "context deadline exceeded"],
      "im",
    ),
    message: (c) => `cannot reach the registry ${c.registryHost}`,
    hint: (c) => `check that the registry is running and that ${c.registryHost} is the right address and port`,
    transient: true,
  },
  {
    code: "REGISTRY_ERROR",
    pattern: /\b50[0234]\b|internal server error|service unavailable|bad gateway|gateway timeout/i,
    message: (c) => `${c.registryHost} answered with a server error`,
    hint: () => "the registry has a problem; check its logs or try again later",
    transient: true,
  },
];

/** DISK_FULL for a write of our own that failed with ENOSPC in `dir`. */
export function diskFull(dir: string, detail?: string): PushImagesError {
  return failure("DISK_FULL", diskFullMessage(dir), diskFullHint(dir), detail);
}

function diskFullMessage(dir: string): string {
  return `no space left on the device holding ${dir}`;
}

function diskFullHint(dir: string): string {
  return `free space on it (df -h ${dir} shows how much is left), then run the same command again`;
}

/** Whether the failure may pass if the same command is run again. */
export function isTransient(error: PushImagesError): boolean {
  // A stall is found by watching the command (src/engine/stall-watch.ts), not in its output.
  if (error.code === "REGISTRY_STALLED") return true;
  return DIAGNOSES.some((d) => d.code === error.code && d.transient === true);
}

/** The coded error for a failed command's output. */
export function diagnose(output: string, context: DiagnoseContext): PushImagesError {
  const found = DIAGNOSES.find((d) => d.pattern.test(output));
  const detail = context.command ? failureDetail(context.command) : output.trim();
  if (found) return failure(found.code, found.message(context, output), found.hint(context, output), detail);
  const reason = lastLine(output) ?? "no output";
  return failure(
    "PUSH_FAILED",
    `${context.action} failed: ${reason}`,
    "run again with -v to see the container tool's full output",
    detail,
  );
}

/** The local file a write failed on for lack of space: podman and docker print `write <file>: no space left on device`. */
/** The TMPDIR a path of the run's own temporary directory (src/core/run-temp-dir.ts: TMPDIR/push-images-XXXXXX) is in. */
function runTmpdirOf(file: string): string | undefined {
  return /^(\/.*?)\/push-images-[A-Za-z0-9]{6}(?:\/|$)/.exec(file)?.[1];
}

function fullFile(output: string): string | undefined {
  return /\bwrite (\/\S*): (?:no space left on device|disk quota exceeded)/i.exec(output)?.[1];
}
