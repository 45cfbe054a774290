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

/** Hides passwords and tokens in anything shown to the user. */
export function maskSecrets(text: string): string {
  return text
    .replace(/(--(?:password|registry-token|identity-token)(?:=|\s+))\S+/g, "$1****")
    .replace(/(--creds(?:=|\s+)'?[^:\s']*:)[^\s']+/g, "$1****")
    .replace(/("(?:auth|password|identitytoken|registrytoken|Secret)"\s*:\s*")[^"]*/gi, "$1****")
    .replace(/("Authorization"\s*:\s*"(?:Basic|Bearer)\s+)[^"]*/gi, "$1****")
    .replace(/(Authorization:\s*(?:Basic|Bearer)\s+)\S+/gi, "$1****")
    .replace(/(\/\/[^/\s:@]+:)[^@\s/]+@/g, "$1****@");
}
