/**
 * How commands and their output are shown: quoted so they can be pasted
 * into a shell, with passwords and tokens masked. Apart from the shell
 * module so that showing an error does not load zx.
 */

/** A command as a user could paste it into a shell. */
export function formatCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map(quoteForDisplay).join(" ");
}

function quoteForDisplay(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Options whose value is a secret, given as the next argument or after `=`. */
const SECRET_OPTIONS = new Set(["--password", "--registry-token", "--identity-token"]);
/** `--creds user:password`: the user (a robot account's `robot$project+name`) stays readable. */
const CREDS_OPTION = "--creds";
const MASK = "****";

/**
 * A command as logs and plans show it: pasteable, with secrets masked word
 * by word, before quoting. A pattern over the quoted text would stop at a
 * quote or a space inside a password and show the rest of it.
 */
export function showCommand(command: string, args: readonly string[]): string {
  return [quoteForDisplay(command), ...args.map((arg, i) => showArgument(arg, args[i - 1]))].join(" ");
}

/** A masked value stays unquoted: `****` stands for a secret, not for a glob. */
function showArgument(arg: string, previous: string | undefined): string {
  if (previous !== undefined && SECRET_OPTIONS.has(previous)) return MASK;
  if (previous === CREDS_OPTION) return maskCreds(arg);
  const equals = arg.indexOf("=");
  const option = arg.slice(0, equals);
  if (equals > 0 && SECRET_OPTIONS.has(option)) return `${option}=${MASK}`;
  if (equals > 0 && option === CREDS_OPTION) return `${option}=${maskCreds(arg.slice(equals + 1))}`;
  return quoteForDisplay(maskSecrets(arg));
}

/** Split at the first colon, as podman does: a user name has none, a password may. */
function maskCreds(value: string): string {
  const colon = value.indexOf(":");
  return colon < 0 ? MASK : `${quoteForDisplay(value.slice(0, colon))}:${MASK}`;
}

/** One JSON string's content, escapes included: `\"` inside a password does not end it. */
const JSON_STRING_CONTENT = String.raw`(?:[^"\\]|\\.)*`;

/** Hides passwords and tokens in anything shown to the user (commands: see showCommand). */
export function maskSecrets(text: string): string {
  return text
    .replace(/(--(?:password|registry-token|identity-token)(?:=|\s+))\S+/g, "$1****")
    .replace(/(--creds(?:=|\s+)'?[^:\s']*:)[^\s']+/g, "$1****")
    .replace(
      new RegExp(`("(?:auth|password|identitytoken|registrytoken|Secret)"\\s*:\\s*")${JSON_STRING_CONTENT}`, "gi"),
      "$1****",
    )
    .replace(/("Authorization"\s*:\s*"(?:Basic|Bearer)\s+)[^"]*/gi, "$1****")
    .replace(/(Authorization:\s*(?:Basic|Bearer)\s+)\S+/gi, "$1****")
    .replace(/(\/\/[^/\s:@]+:)[^@\s/]+@/g, "$1****@");
}
