/**
 * --from-archive plans from what the archives hold: without -i, the
 * product's images found there (and says which); with -i, every image
 * asked for, or ARCHIVE_MISSING_IMAGE naming what is there and the flags
 * that would match it.
 */
import { describe, expect, it } from "vitest";
import { planFromArchives, type ArchiveContents } from "../../src/bundle/archive-plan.ts";
import { thrownBy } from "./harness.ts";

const IMAGES = ["a", "b", "c"];
const jobsOf = (images: readonly string[]) =>
  images.map((image) => ({ image, source: `apim/${image}:v6.0.0`, target: `reg/p/${image}:v6.0.0` }));
const id = (n: number) => `sha256:${String(n).repeat(64)}`;
const archive = (names: readonly string[]): ArchiveContents => ({
  file: "two.tar",
  images: names.map((name, i) => ({ id: id(i + 1), repoTags: [name] })),
});
const choice = (imagesChosen: boolean) => ({ imagesChosen, sourcePath: "apim", sourceTag: "v6.0.0" });

describe("without -i", () => {
  it("plans the images the archive holds, under the names it gives them, and says which", () => {
    const plan = planFromArchives(jobsOf(IMAGES), [archive(["localhost/apim/a:v6.0.0", "apim/c:v6.0.0"])], choice(false));
    expect(plan.jobs).toEqual([
      { image: "a", source: "localhost/apim/a:v6.0.0", target: "reg/p/a:v6.0.0" },
      { image: "c", source: "apim/c:v6.0.0", target: "reg/p/c:v6.0.0" },
    ]);
    expect(plan.ids).toEqual(
      new Map([
        ["localhost/apim/a:v6.0.0", id(1)],
        ["apim/c:v6.0.0", id(2)],
      ]),
    );
    expect(plan.note).toBe("two.tar holds 2 of the 3 images (a, c): pushing those");
  });

  it("an archive of every image: all of them", () => {
    const names = IMAGES.map((image) => `apim/${image}:v6.0.0`);
    const note = (images: readonly string[]) => planFromArchives(jobsOf(images), [archive(names)], choice(false)).note;
    expect(note(IMAGES)).toBe("two.tar holds all 3 images (a, b, c): pushing those");
    expect(note(["a"])).toBe("two.tar holds the one image (a): pushing it");
  });

  it("none under -p/-s: refused, with the -s the archive names them with", () => {
    const error = thrownBy(() => planFromArchives(jobsOf(IMAGES), [archive(["apim/a:s1", "apim/b:s1"])], choice(false)));
    expect([error.code, error.message, error.hint]).toEqual([
      "ARCHIVE_MISSING_IMAGE",
      "two.tar holds none of the images as apim/<image>:v6.0.0; it holds apim/a:s1, apim/b:s1",
      "add -s s1: the archive names its images apim/<image>:s1",
    ]);
  });
});

describe("with -i", () => {
  it("plans exactly the images asked for", () => {
    const plan = planFromArchives(jobsOf(["b"]), [archive(["apim/a:v6.0.0", "apim/b:v6.0.0"])], choice(true));
    expect(plan.jobs.map((job) => job.source)).toEqual(["apim/b:v6.0.0"]);
    expect(plan.note).toBeUndefined();
  });

  it("an image the archive lacks: refused, naming it and what the archive holds", () => {
    const error = thrownBy(() =>
      planFromArchives(jobsOf(["a", "c"]), [archive(["apim/a:v6.0.0", "apim/b:v6.0.0"])], choice(true)),
    );
    expect([error.code, error.message, error.hint]).toEqual([
      "ARCHIVE_MISSING_IMAGE",
      "two.tar holds no image for apim/c:v6.0.0; it holds apim/a:v6.0.0, apim/b:v6.0.0",
      "choose among the images it holds: -i a -i b, or leave out -i to push them all",
    ]);
  });
});
