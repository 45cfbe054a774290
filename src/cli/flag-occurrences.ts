/**
 * Each flag counted, not just its last value: cleye keeps the last of a
 * flag given twice, so `-r a -r b` would quietly push to b. Every flag is
 * parsed as a list, and one not declared repeatable (`type: [String]`)
 * may be given once.
 */
import { inputError } from "../core/errors.ts";
import type { FlagDeclaration } from "./help-layout.ts";

type Declarations = Readonly<Record<string, FlagDeclaration>>;

/** A flag's declaration as the parser gets it: a list, to count occurrences. */
type Listed<F> = F extends { readonly type: readonly unknown[] }
  ? F
  : F extends { readonly type: infer T }
    ? Omit<F, "type"> & { type: readonly [T] }
    : never;

/** A flag's value after the count: a single flag's only value, a repeatable flag's list. */
type Once<F, V> = F extends { readonly type: readonly unknown[] } ? V : V extends readonly (infer E)[] ? E | undefined : V;

const isRepeatable = (flag: FlagDeclaration) => Array.isArray(flag.type);
const takesValue = (flag: FlagDeclaration) => flag.type !== Boolean && !(Array.isArray(flag.type) && flag.type[0] === Boolean);

/** The declarations with every flag collected as a list, for the parser. */
export function listed<D extends Declarations>(flags: D): { [K in keyof D]: Listed<D[K]> } {
  return Object.fromEntries(
    Object.entries(flags).map(([name, flag]) => [name, isRepeatable(flag) ? flag : { ...flag, type: [flag.type] }]),
  ) as { [K in keyof D]: Listed<D[K]> };
}

/**
 * The parsed lists back to a value per single flag. A single flag given
 * more than once is refused (USAGE), unless `lenient` (for --help, which
 * must print whatever else was typed).
 */
export function singleValues<D extends Declarations, P extends { readonly [K in keyof D]: unknown }>(
  parsed: P,
  flags: D,
  lenient: boolean,
): { [K in keyof D]: Once<D[K], P[K]> } {
  const values: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(flags)) {
    const given = parsed[name] as unknown[];
    if (isRepeatable(flag)) {
      values[name] = given;
      continue;
    }
    if (given.length > 1 && !lenient) throw repeated(name, flag, given);
    values[name] = given.at(-1);
  }
  return values as { [K in keyof D]: Once<D[K], P[K]> };
}

/**
 * The parser reads `-1` after `-j` as a flag of its own ("unknown option
 * -1"). No flag of ours is a digit, so `-<digit>...` after a flag that takes
 * a value is that value, and the flag's own check explains it.
 */
export function joinDashedValues(argv: readonly string[], flags: Declarations): string[] {
  const valueFlags = new Set(
    Object.entries(flags)
      .filter(([, flag]) => takesValue(flag))
      .flatMap(([name, flag]) => [`--${kebab(name)}`, ...(flag.alias ? [`-${flag.alias}`] : [])]),
  );
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (arg === "--") return [...joined, ...argv.slice(i)];
    if (valueFlags.has(arg) && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i += 1;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

function repeated(name: string, flag: FlagDeclaration, given: readonly unknown[]) {
  const short = flag.alias ? `-${flag.alias}` : `--${kebab(name)}`;
  const both = flag.alias ? `${short}/--${kebab(name)}` : short;
  if (!takesValue(flag)) return inputError("USAGE", `${both} is given ${given.length} times`, `give ${short} once`);
  const values = given.map((value) => JSON.stringify(value)).join(", ");
  return inputError(
    "USAGE",
    `${both} is given ${given.length} times (${values}), but takes one value`,
    `give ${short} once, for example ${short} ${String(given.at(-1))}`,
  );
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
