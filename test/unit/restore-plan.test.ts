/**
 * After --from-archive loads an archive, local storage is put back: names
 * the load moved point at the user's image again, names it added go, and
 * images it brought in are removed once they have no name. Names the
 * archive does not hold are left alone, whatever happened to them.
 */
import { describe, expect, it } from "vitest";
import { loadedLeftovers, parseImageList, restorePlan } from "../../src/archive/restore-plan.ts";

const USER = `sha256:${"a".repeat(64)}`;
const ARCHIVE = `sha256:${"b".repeat(64)}`;
const OTHER = `sha256:${"c".repeat(64)}`;
const list = (...lines: string[]) => parseImageList(`${lines.join("\n")}\n`);

describe("parseImageList", () => {
  it("reads ids with or without their algorithm, and keeps nameless images by id only", () => {
    const snapshot = list(`${USER}\tlocalhost/apim/x:t`, `${"b".repeat(64)}\t<none>:<none>`, `${OTHER}\tapim/y:<none>`);
    expect([...snapshot.names]).toEqual([["localhost/apim/x:t", USER]]);
    expect([...snapshot.ids]).toEqual([USER, ARCHIVE, OTHER]);
  });
});

describe("restorePlan", () => {
  it("a name the load moved off the user's image points at it again", () => {
    const before = list(`${USER}\tlocalhost/apim/x:t`);
    const now = list(`${USER}\t<none>:<none>`, `${ARCHIVE}\tlocalhost/apim/x:t`);
    expect(restorePlan(before, now, ["apim/x:t"])).toEqual({ repoint: [["localhost/apim/x:t", USER]], drop: new Map() });
  });

  it("names the load added are dropped, grouped by image; docker's docker.io/library names match", () => {
    const before = list(`${OTHER}\tapim/z:t`);
    const now = list(`${OTHER}\tapim/z:t`, `${ARCHIVE}\tlocalhost/apim/x:t`, `${ARCHIVE}\tx:t`);
    const { drop } = restorePlan(before, now, ["localhost/apim/x:t", "docker.io/library/x:t"]);
    expect(drop).toEqual(new Map([[ARCHIVE, ["localhost/apim/x:t", "x:t"]]]));
  });

  it("names the archive does not hold are not touched, even when they changed", () => {
    const before = list(`${USER}\tapim/other:t`);
    const now = list(`${ARCHIVE}\tapim/other:t`, `${ARCHIVE}\tapim/new:t`, `${ARCHIVE}\tapim/x:t`);
    expect(restorePlan(before, now, ["apim/x:t"])).toEqual({ repoint: [], drop: new Map([[ARCHIVE, ["apim/x:t"]]]) });
  });

  it("a name that already named the archive's image needs nothing", () => {
    const before = list(`${ARCHIVE}\tapim/x:t`);
    expect(restorePlan(before, before, ["apim/x:t"])).toEqual({ repoint: [], drop: new Map() });
  });
});

describe("loadedLeftovers", () => {
  it("only the archive's images that are new and now nameless", () => {
    const before = list(`${USER}\tapim/x:t`, `${OTHER}\t<none>:<none>`);
    const now = list(`${USER}\tapim/x:t`, `${OTHER}\t<none>:<none>`, `${ARCHIVE}\t<none>:<none>`);
    expect(loadedLeftovers(before, now, [ARCHIVE, OTHER, USER])).toEqual([ARCHIVE]);
  });

  it("a new image that still has a name (someone tagged it meanwhile) is kept", () => {
    const before = list(`${USER}\tapim/x:t`);
    const now = list(`${USER}\tapim/x:t`, `${ARCHIVE}\tmine/kept:1`);
    expect(loadedLeftovers(before, now, [ARCHIVE])).toEqual([]);
  });
});
