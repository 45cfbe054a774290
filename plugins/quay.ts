/** quay.io: repositories are `namespace/name` only; --flatten folds a deeper -r into the name. */
import type { RegistryUri } from "../src/options/registry-uri.ts";
import { TwoLevelNamesPlugin } from "./two-level-names.ts";

export class QuayPlugin extends TwoLevelNamesPlugin {
  constructor(registry: RegistryUri, flatten: boolean) {
    super("quay", "quay.io", registry, flatten);
  }
}
