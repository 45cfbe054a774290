/**
 * podman takes its options between the verb and the references:
 * `push X` becomes `push --flag [value] X`, `manifest push X` becomes
 * `manifest push --flag [value] X`. An option already there is not added
 * again (a plugin before may have set it).
 */
export function withOptionAfterVerb(args: string[], option: string, value?: string): string[] {
  if (args.includes(option)) return args;
  const verbWords = args[0] === "manifest" ? 2 : 1;
  const verb = args.length > 0 ? args.slice(0, verbWords) : ["push"];
  return [...verb, option, ...(value === undefined ? [] : [value]), ...args.slice(verbWords)];
}
