/**
 * Errors a user can act on. Each carries a stable code (tests and scripts
 * match on it), a one-line message naming what went wrong, and a hint with
 * the command that fixes it. Only `cli.ts` prints them and sets the exit code.
 */

/** Exit codes of PRODUCT.md: the contract scripts rely on. */
export const EXIT = Object.freeze({
  ok: 0,
  failed: 1,
  invalidInput: 2,
  interrupted: 130,
});

/** Invalid input: found before anything is touched; exit 2. */
export type InputErrorCode =
  | "USAGE"
  | "MISSING_REGISTRY"
  | "INVALID_REGISTRY"
  | "INVALID_TAG"
  | "UNKNOWN_IMAGE"
  | "INVALID_CONTAINER_TOOL"
  | "INVALID_SOURCE_PATH"
  | "BAD_DEFAULTS_FILE"
  | "BAD_PLUGIN"
  | "PLUGIN_PERMISSIONS"
  | "UNKNOWN_HOOK"
  | "OUTPUT_EXISTS"
  | "OUTPUT_NOT_A_FILE"
  | "OUTPUT_NOT_WRITABLE"
  | "ARCHIVE_NOT_FOUND"
  | "INVALID_SIZE"
  | "CA_FILE_INVALID"
  | "PROXY_UNSUPPORTED"
  | "INVALID_PLATFORM"
  | "PLATFORM_MISSING";

/** Something in the environment or at the registry failed; exit 1. */
export type FailureCode =
  | "TOOL_NOT_FOUND"
  | "TOOL_NOT_RESPONDING"
  | "DAEMON_NOT_RUNNING"
  | "DOCKER_SOCKET_PERMISSION"
  | "SOURCE_IMAGE_MISSING"
  | "REGISTRY_UNREACHABLE"
  | "PROXY_UNREACHABLE"
  | "PROXY_AUTH_REQUIRED"
  | "PROXY_AUTH_REJECTED"
  | "PROXY_CANNOT_REACH_REGISTRY"
  | "CONNECTION_LOST"
  | "TLS_UNTRUSTED"
  | "TLS_NAME_MISMATCH"
  | "REGISTRY_HTTP_ONLY"
  | "INSECURE_REGISTRY_NOT_CONFIGURED"
  | "DOCKER_CA_NOT_INSTALLED"
  | "CERTS_DIR_UNREADABLE"
  | "AUTH_REQUIRED"
  | "CREDENTIAL_HELPER_FAILED"
  | "AUTH_FILE_MISSING"
  | "AUTH_REJECTED"
  | "ACCESS_DENIED"
  | "REPOSITORY_NOT_FOUND"
  | "NAME_INVALID"
  | "RATE_LIMITED"
  | "REGISTRY_ERROR"
  | "DISK_FULL"
  | "PLUGIN_FAILED"
  | "PROJECT_NOT_FOUND"
  | "VERIFY_FAILED"
  | "ARCHIVE_INVALID"
  | "ARCHIVE_MISSING_IMAGE"
  | "INTERRUPTED"
  | "REGISTRY_STALLED"
  | "PUSH_FAILED"
  | "AUTH_FILE_INVALID";

export type ErrorCode = InputErrorCode | FailureCode;

export class PushImagesError extends Error {
  override readonly name = "PushImagesError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** What to type or change to fix it; shown as "Fix: ...". */
    readonly hint: string,
    readonly exitCode: number,
    /** Raw output of the command that failed, shown with --verbose. */
    readonly detail?: string,
  ) {
    super(message);
  }
}

export function inputError(code: InputErrorCode, message: string, hint: string): PushImagesError {
  return new PushImagesError(code, message, hint, EXIT.invalidInput);
}

export function failure(code: FailureCode, message: string, hint: string, detail?: string): PushImagesError {
  return new PushImagesError(code, message, hint, EXIT.failed, detail);
}

/** One image cut short by Ctrl-C, SIGTERM or SIGHUP: reported failed, whatever the tool's exit code said. */
export function interruptedFailure(signal: string): PushImagesError {
  return failure(
    "INTERRUPTED",
    `stopped by ${signal} before the push finished`,
    "run the same command again to push what is left",
  );
}

/** An image of the plan, as the --json report names it. */
export interface PlannedImage {
  readonly image: string;
  readonly source: string;
  readonly target: string;
}

/** Ctrl-C, SIGTERM or SIGHUP: running children were stopped. */
export class InterruptedError extends Error {
  override readonly name = "InterruptedError";
  constructor(
    readonly signal: string,
    /** What was stopped, e.g. "preflight" or "saving". */
    readonly during: string,
    /** What the stop left, e.g. "no archive was written". */
    readonly outcome = "nothing was pushed",
    /** The plan, when there was one: every image, none started. */
    readonly notStarted: readonly PlannedImage[] = [],
  ) {
    super(`interrupted by ${signal} during ${during}; ${outcome}`);
  }
}
