/**
 * The oracle itself: reference-grammar.ts against hand-picked cases of
 * the kind the distribution reference's own tests use, so a property
 * failure means the tool is wrong, not the checker.
 */
import { describe, expect, it } from "vitest";
import { domainOf, parseReference, referenceProblem } from "./reference-grammar.ts";

describe("reference grammar", () => {
  it.each([
    ["test_com", "docker.io"],
    ["test.com:tag", "docker.io"],
    ["test.com:5000", "docker.io"],
    ["test.com/repo:tag", "test.com"],
    ["test:5000/repo", "test:5000"],
    ["test:5000/repo:tag", "test:5000"],
    ["localhost/a", "localhost"],
    ["localhost:5000/a/b__c.d-e---f:_tag.0-x", "localhost:5000"],
    ["[fe80::1]:5000/a:b", "[fe80::1]:5000"],
    ["192.168.1.1:5000/apim/apim-le-cache:v6.0.0", "192.168.1.1:5000"],
    ["Registry.Example.com/apim:v1", "Registry.Example.com"],
    [`reg.example.com/${"a".repeat(239)}`, "reg.example.com"], // 255 characters
  ])("%s is a reference, pushed to %s", (ref, domain) => {
    expect(referenceProblem(ref)).toBeUndefined();
    expect(parseReference(ref)?.domain).toBe(domain);
  });

  it.each([
    ["", "grammar"],
    [":justtag", "grammar"],
    ["test:5000/Uppercase/lowercase:tag", "grammar"],
    ["a//b", "grammar"],
    ["a/b:", "grammar"],
    ["a/-b", "grammar"],
    ["a/b_-c", "grammar"],
    ["a/b:.tag", "grammar"],
    [`a/b:${"t".repeat(129)}`, "grammar"],
    ["[fe80::1%eth0]:5000/a", "grammar"],
    ["[::ffff:1.2.3.4]:5000/a", "grammar"],
    ["aa/asdf$$^/aa", "grammar"],
    ["a.b_c/x", "grammar"],
    [`reg.example.com/${"a".repeat(240)}`, "name too long"],
  ])("%j is not: %s", (ref, problem) => {
    expect(referenceProblem(ref)).toBe(problem);
  });

  it('docker reads the first component as a domain only with ".", ":", localhost or upper case', () => {
    expect(["apim/x", "a.b/x", "a:1/x", "localhost/x", "Apim/x", "x"].map(domainOf)).toEqual([
      "docker.io",
      "a.b",
      "a:1",
      "localhost",
      "Apim",
      "docker.io",
    ]);
  });
});
