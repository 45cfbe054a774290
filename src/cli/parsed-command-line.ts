/** What the command line asked for, once parsed (src/cli/flags.ts): the command, its flags, and what did not parse. */
import type { RawSaveFlags } from "../bundle/save-options.ts";
import type { RawFlags } from "../options/options.ts";

interface Parsed {
  /** -h or --help: print the help and nothing else. */
  readonly help: boolean;
  readonly unknownFlags: string[];
  readonly extraArguments: string[];
}

export type ParsedCommandLine =
  | (Parsed & { readonly command: "push"; readonly flags: RawFlags; readonly version: boolean })
  | (Parsed & { readonly command: "save"; readonly flags: RawSaveFlags; readonly version: false })
  | (Parsed & { readonly command: "verify"; readonly flags: RawFlags; readonly version: false });
