/**
 * What a plugin is: an object with a name and `apply(runner)`, which taps
 * the runner's hooks and does nothing else. Bundled plugins are classes
 * that check their options in the constructor.
 */
import type { Runner } from "./runner.ts";

export interface Plugin {
  readonly name: string;
  apply(runner: Runner): void;
}
