/**
 * What the properties feed the tool: values close to valid (so many are
 * accepted and the "accepted implies valid" side is really exercised),
 * the same values with one character swapped for something hostile (shell
 * metacharacters, white space, upper case, non-ASCII), and raw hostile
 * strings. Generators are built from the grammar's pieces, not from src/.
 */
import fc from "fast-check";

/** Characters a shell or a reference parser treats specially, and lookalikes. */
const HOSTILE = [...";&|$`<>(){}[]*?!\"'\\#~=%^,+@ \t\n\r", "\u00e9", "\u0666", "\u200b", "A", "Z", "/", ":", ".", "-", "_"];
const PLAIN = [..."abcxyz0189"];

/** Short strings over plain and hostile characters. */
export const hostileText = fc.string({ unit: fc.constantFrom(...PLAIN, ...HOSTILE), maxLength: 16 });

/** `value` with the character at a random place replaced or preceded by a hostile one. */
function spoiled(value: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(value, fc.nat(), fc.constantFrom(...HOSTILE), fc.boolean()).map(([v, at, c, replace]) => {
    const i = v.length === 0 ? 0 : at % v.length;
    return `${v.slice(0, i)}${c}${v.slice(replace ? i + 1 : i)}`;
  });
}

/** Near-valid, spoiled, or raw hostile: the mix every input uses. */
export function mixed(valid: fc.Arbitrary<string>, loose: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: valid, weight: 5 },
    { arbitrary: loose, weight: 3 },
    { arbitrary: spoiled(valid), weight: 2 },
    { arbitrary: hostileText, weight: 1 },
  );
}

export const pathComponent = fc.stringMatching(/^[a-z0-9]{1,8}(?:(?:[._]|__|-{1,3})[a-z0-9]{1,8}){0,2}$/);
const loosePathComponent = fc.stringMatching(/^[a-zA-Z0-9._-]{0,10}$/);

const domainComponent = fc.stringMatching(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?$/);
const domainName = fc.array(domainComponent, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("."));
// Hex groups and colons, at least one colon: what an IPv6 literal looks like.
const ipv6 = fc.stringMatching(/^\[[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){1,7}\]$/);
const looseIpv6 = fc.stringMatching(/^\[[0-9a-fA-F:.]{0,8}\]$/);
const port = fc.integer({ min: 1, max: 65535 }).map(String);
const loosePort = fc.stringMatching(/^[0-9]{0,7}$/);

/**
 * A host the grammar allows, which docker also reads as a domain ('.', ':port' or localhost).
 * Not an IPv6 literal: podman 4 refuses those (ipv6RegistryHost).
 */
const registryHost = fc.oneof(
  fc
    .tuple(domainName, fc.option(port))
    .map(([name, p]) => (p ? `${name}:${p}` : name))
    .filter((h) => /[.:]/.test(h)),
  fc.tuple(fc.constant("localhost"), fc.option(port)).map(([name, p]) => (p ? `${name}:${p}` : name)),
);
/** An IPv6 literal host: the grammar allows it, podman 4 says "invalid reference format", so the tool refuses it. */
export const ipv6RegistryHost = fc.tuple(ipv6, fc.option(port)).map(([name, p]) => (p ? `${name}:${p}` : name));
const looseHost = fc
  .tuple(fc.oneof(domainName, looseIpv6, fc.stringMatching(/^[a-zA-Z0-9._-]{0,12}$/)), fc.option(fc.oneof(port, loosePort)))
  .map(([name, p]) => (p === null ? name : `${name}:${p}`));

/** Repository paths: usually short, sometimes long enough to pass 255 characters. */
export const repositoryPath = fc.oneof(
  { arbitrary: fc.array(pathComponent, { maxLength: 4 }), weight: 4 },
  { arbitrary: fc.array(pathComponent, { minLength: 10, maxLength: 40 }), weight: 1 },
);

/** A -r value the grammar allows. */
export const validRegistry = fc.tuple(registryHost, repositoryPath).map(([host, path]) => [host, ...path].join("/"));
/** -r values to throw at the tool. */
export const registryInput = mixed(
  validRegistry,
  fc
    .tuple(fc.oneof(looseHost, ipv6RegistryHost), fc.array(fc.oneof(pathComponent, loosePathComponent), { maxLength: 4 }))
    .map(([host, path]) => [host, ...path].join("/")),
);

export const validTag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/);
export const tagInput = mixed(validTag, fc.stringMatching(/^[A-Za-z0-9._-]{0,130}$/));

/** A first component docker does not read as a domain: no '.', as in apim/... */
const namespaceComponent = pathComponent.filter((c) => !c.includes(".") && c !== "localhost");

/** A local repository path the grammar allows: components, after a registry host or a namespace. */
export const validSourcePath = fc
  .tuple(
    fc.oneof(registryHost, namespaceComponent),
    fc.oneof(
      { arbitrary: fc.array(pathComponent, { maxLength: 3 }), weight: 4 },
      { arbitrary: fc.array(pathComponent, { minLength: 10, maxLength: 40 }), weight: 1 },
    ),
  )
  .map(([first, rest]) => [first, ...rest].join("/"));
export const sourcePathInput = mixed(
  validSourcePath,
  fc
    .array(fc.oneof(pathComponent, loosePathComponent, looseHost), { minLength: 1, maxLength: 3 })
    .map((parts) => parts.join("/")),
);

export const pathComponentInput = mixed(pathComponent, loosePathComponent);
