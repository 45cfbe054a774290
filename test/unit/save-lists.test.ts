/**
 * `save` of a podman manifest list (issue 21): podman is asked to save
 * each chosen platform's image by its id (single images by their name, as
 * before), and manifest.json's image for `docker load` is this host's
 * platform's, else the list's first.
 */
import { describe, expect, it } from "vitest";
import type { LocalList } from "../../src/engine/local-lists.ts";
import type { SavedSource } from "../../src/bundle/saved-sources.ts";
import { chosenList, namesToSave } from "../../src/bundle/save-lists.ts";

const HEX = { amd: "a".repeat(64), arm: "b".repeat(64), s390x: "c".repeat(64) };
const entry = (architecture: string, hex: string) => ({
  platform: { os: "linux", architecture },
  digest: `sha256:d${hex.slice(1)}`,
  id: `sha256:${hex}`,
  layers: [],
});
const AMD = entry("amd64", HEX.amd);
const ARM = entry("arm64", HEX.arm);
const S390X = entry("s390x", HEX.s390x);
const list = (...chosen: LocalList["chosen"]): LocalList => ({ platforms: [AMD, ARM, S390X], chosen, layers: [] });
const LIST = "apim/apim-le-cache:v6.0.0";
const found = (id: string) => ({ id }) as SavedSource;

describe("save of a manifest list", () => {
  it("saves the chosen platforms' images by id, single images by name, each once", () => {
    const lists = new Map([[LIST, list(ARM, AMD)]]);
    expect(namesToSave(["apim/toolkit:v6.0.0", LIST, LIST], lists)).toEqual(["apim/toolkit:v6.0.0", HEX.arm, HEX.amd]);
    expect(namesToSave(["apim/toolkit:v6.0.0"], new Map())).toEqual(["apim/toolkit:v6.0.0"]);
  });

  it("gives docker load this host's platform's image, else the first", () => {
    const host = process.arch === "x64" ? AMD : process.arch === "arm64" ? ARM : undefined;
    const both = chosenList("apim-le-cache", LIST, list(S390X, AMD, ARM), found);
    expect(both.platforms?.map((p) => p.source.id)).toEqual([S390X.id, AMD.id, ARM.id]);
    expect(both.source.id).toBe((host ?? S390X).id);
    expect(chosenList("apim-le-cache", LIST, list(S390X), found).source.id).toBe(S390X.id);
  });
});
