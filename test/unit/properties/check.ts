/**
 * A check inside a property: a plain Error, cheap to build. fast-check
 * runs a failing property again for every shrinking step, and vitest's
 * expect() would format a diff of long strings each time.
 */
export function check(ok: boolean, message: () => string): void {
  if (!ok) throw new Error(message());
}
