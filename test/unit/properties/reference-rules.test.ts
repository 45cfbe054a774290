/**
 * The rules of src/options/reference-rules.ts agree with the reference grammar
 * (reference-grammar.ts) in both directions: a tag or path component is
 * accepted exactly when the grammar allows it, and a refusal always says
 * why. A local path (-p) accepted by sourcePathProblem makes valid references.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { pathComponentProblem, sourcePathProblem, tagProblem } from "../../../src/options/reference-rules.ts";
import { pathComponent, pathComponentInput, sourcePathInput, tagInput, validSourcePath, validTag } from "./inputs.ts";
import { check } from "./check.ts";
import { isPathComponent, isTag, referenceProblem } from "./reference-grammar.ts";

/** undefined, or a reason worth printing. */
const isReason = (problem: string | undefined) => problem === undefined || problem.trim().length > 0;

describe("tagProblem", () => {
  it("accepts exactly the tags of the grammar", () => {
    fc.assert(
      fc.property(tagInput, (tag) => {
        const problem = tagProblem(tag);
        check((problem === undefined) === isTag(tag) && isReason(problem), () => `${JSON.stringify(tag)}: ${problem}`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("pathComponentProblem", () => {
  it("accepts exactly the path components of the grammar", () => {
    fc.assert(
      fc.property(pathComponentInput, (component) => {
        const problem = pathComponentProblem(component);
        check(
          (problem === undefined) === isPathComponent(component) && isReason(problem),
          () => `${JSON.stringify(component)}: ${problem}`,
        );
      }),
      { numRuns: 2000 },
    );
  });
});

describe("sourcePathProblem", () => {
  it("an accepted -p makes valid references", () => {
    fc.assert(
      fc.property(sourcePathInput, pathComponent, validTag, (path, image, tag) => {
        const problem = sourcePathProblem(path);
        check(isReason(problem), () => `${JSON.stringify(path)}: empty reason`);
        if (problem !== undefined) return;
        const source = `${path}/${image}:${tag}`;
        // The 255-character limit on names is judged on whole sources (plan.test.ts).
        if (referenceProblem(source) === "name too long") return;
        check(referenceProblem(source) === undefined, () => `-p ${JSON.stringify(path)} accepted, but ${source} is no reference`);
      }),
      { numRuns: 2000 },
    );
  });

  it("every -p the grammar allows is accepted", () => {
    fc.assert(
      fc.property(validSourcePath, (path) => {
        check(sourcePathProblem(path) === undefined, () => `-p ${path} refused: ${sourcePathProblem(path)}`);
      }),
      { numRuns: 500 },
    );
  });
});
