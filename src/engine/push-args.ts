/**
 * podman takes its options between the verb and the references:
 * `push X` becomes `push --flag [value] X`. An option already there is not
 * added again (a plugin before may have set it).
 */
export function withOptionAfterVerb(args: string[], option: string, value?: string): string[] {
  if (args.includes(option)) return args;
  return [args[0] ?? "push", option, ...(value === undefined ? [] : [value]), ...args.slice(1)];
}
