/**
 * The product as the tests know it, written down independently of src/ so
 * the tests check the tool against the spec (PRODUCT.md), not against itself.
 */

/** The product's images, in the seed's order. */
export const PRODUCT_IMAGES = [
  "apim-le-cache",
  "apim-le-cacheloader-cron",
  "apim-le-toolkit",
  "apim-le-cacheloader",
  "apim-le-trafficmanager",
  "apim-le-platformapi",
  "apim-le-configui",
] as const;

/** Built-in defaults: `-p apim -s v6.0.0`. */
export const DEFAULT_SET = { path: "apim", tag: "v6.0.0" } as const;

/** A second, different build of the same images, for `-p` / `-s` tests. */
export const ALTERNATE_SET = { path: "acme", tag: "v6.1.0" } as const;
