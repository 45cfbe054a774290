/** The product the bench pushes: the tool's built-in defaults (seven images, -p apim -s v6.0.0). */
import { BUILT_IN_DEFAULTS } from "../src/options/product-defaults.ts";

export const IMAGES = BUILT_IN_DEFAULTS.images;
export const SOURCE_PATH = BUILT_IN_DEFAULTS.sourcePath;
export const SOURCE_TAG = BUILT_IN_DEFAULTS.sourceTag;
export const LAYERS_PER_IMAGE = 3;
/** Where images land in each fresh registry, as an operator's -r would name it. */
export const TARGET_PATH = "apim-trial";

export const sourceRef = (image: string) => `${SOURCE_PATH}/${image}:${SOURCE_TAG}`;
