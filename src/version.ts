/** The tool's version, put in by the build from package.json. */
declare const PUSH_IMAGES_VERSION: string | undefined;

export const VERSION: string = typeof PUSH_IMAGES_VERSION === "string" ? PUSH_IMAGES_VERSION : "0.0.0-dev";
