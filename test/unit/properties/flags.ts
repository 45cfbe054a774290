/**
 * Whole command lines for the properties: RawFlags as cleye hands them to
 * resolveOptions, with every value drawn from inputs.ts, and the registry
 * type a naming plugin is chosen by.
 */
import fc from "fast-check";
import type { RawFlags } from "../../../src/options/options.ts";
import type { RegistryType } from "../../../src/options/registry-type.ts";
import { PRODUCT_IMAGES } from "../../bed/product.ts";
import {
  hostileText,
  mixed,
  registryInput,
  sourcePathInput,
  tagInput,
  validRegistry,
  validSourcePath,
  validTag,
} from "./inputs.ts";

/** The spec's images (test/bed/product.ts), in a list fast-check may take. */
const productImages: string[] = [...PRODUCT_IMAGES];

const optional = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined, freq: 3 });
const count = (min: number, max: number) => fc.integer({ min, max }).map(String);
const looseCount = fc.stringMatching(/^-?[0-9]{0,3}$/);

/** A command line the spec allows, every value valid. */
const validFlags: fc.Arbitrary<RawFlags> = fc.record({
  registry: validRegistry,
  containerTool: optional(fc.constantFrom("podman", "docker")),
  destTag: optional(validTag),
  image: fc.subarray(productImages),
  sourcePath: optional(validSourcePath),
  sourceTag: optional(validTag),
  noTlsVerify: fc.boolean(),
  dryRun: fc.boolean(),
  verbose: fc.constant(false),
  quiet: fc.constant(true),
  json: fc.boolean(),
  flatten: fc.boolean(),
  concurrency: optional(count(1, 16)),
  retries: optional(count(0, 10)),
});

/** For each value, what may replace it: near-valid, spoiled or hostile (inputs.ts). */
const SPOILERS: Partial<Record<keyof RawFlags, fc.Arbitrary<unknown>>> = {
  registry: fc.oneof(registryInput, fc.constant(undefined)),
  containerTool: mixed(fc.constantFrom("podman", "docker"), fc.constantFrom("Podman", "nerdctl", "podman ", "")),
  destTag: tagInput,
  image: fc.tuple(fc.subarray(productImages), hostileText).map(([some, odd]) => [...some, odd]),
  sourcePath: sourcePathInput,
  sourceTag: tagInput,
  concurrency: mixed(count(1, 16), looseCount),
  retries: mixed(count(0, 10), looseCount),
};

/**
 * Valid command lines, and valid ones with one or two values replaced:
 * one bad value at a time keeps most lines accepted, so the property
 * about accepted lines is tested on many, while every rule still meets
 * values that break it.
 */
export const rawFlagsInput: fc.Arbitrary<RawFlags> = fc.oneof(
  validFlags,
  fc
    .tuple(validFlags, fc.subarray(Object.keys(SPOILERS) as (keyof RawFlags)[], { minLength: 1, maxLength: 2 }))
    .chain(([flags, keys]) =>
      fc
        .tuple(...keys.map((key) => SPOILERS[key] as fc.Arbitrary<unknown>))
        .map((values) => ({ ...flags, ...Object.fromEntries(keys.map((key, i) => [key, values[i]])) }) as RawFlags),
    ),
);

export const registryTypeInput = fc.constantFrom<RegistryType>(
  "generic",
  "generic",
  "generic",
  "harbor",
  "gcr",
  "artifact-registry",
  "ecr",
  "dockerhub",
  "quay",
);
