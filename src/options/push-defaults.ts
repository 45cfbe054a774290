/**
 * Defaults of a push that are the tool's, not the product's: shared by
 * option checking and the help text, so the two cannot disagree.
 */

/**
 * Four images at once keep a link busy while one image's layers upload, and
 * push seven images in two waves (after the image carrying shared layers);
 * compression fills a small host's cores either way, and four stays well
 * inside registries' rate limits (see the README and npm run bench).
 */
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_RETRIES = 3;

/**
 * A push that reads, writes and prints nothing for a minute has stalled: a
 * registry writing a large blob to slow storage answers well within it.
 */
export const DEFAULT_STALL_TIMEOUT_SECONDS = 60;
