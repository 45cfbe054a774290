/**
 * Defaults of a push that are the tool's, not the product's: shared by
 * option checking and the help text, so the two cannot disagree.
 */

/**
 * Three images at once keep a link busy while one image's layers upload,
 * without starving a small host of the CPU that compression needs or
 * tripping registries' rate limits (see the README and npm run bench).
 */
export const DEFAULT_CONCURRENCY = 3;
export const DEFAULT_RETRIES = 3;
