/**
 * -r, rule by rule: each mistake is refused with exit 2, a message that
 * names the value and the rule, and where possible the corrected -r.
 */
import { describe, expect, it } from "vitest";
import { resolveOptions } from "../../src/options/options.ts";
import { BUILT_IN_DEFAULTS } from "../../src/options/product-defaults.ts";
import { parseRegistryUri } from "../../src/options/registry-uri.ts";
import { rawFlags, thrownBy } from "./harness.ts";

const refusal = (registry: string | undefined) => thrownBy(() => resolveOptions(rawFlags({ registry }), BUILT_IN_DEFAULTS));

describe("-r missing", () => {
  it.each([undefined, ""])("%j: MISSING_REGISTRY", (registry) => {
    const error = refusal(registry);
    expect(error).toMatchObject({ code: "MISSING_REGISTRY", exitCode: 2, message: "-r is required: the registry to push to" });
    expect(error.hint).toContain("-r host[:port][/path]");
  });
});

describe("-r refused", () => {
  it.each([
    ["https://reg.example.com/apim", "drop the scheme 'https://'", "reg.example.com/apim"],
    ["http://reg.example.com/apim/", "drop the scheme 'http://'", "reg.example.com/apim"],
    ["docker://reg.example.com", "drop the scheme 'docker://'", "reg.example.com"],
    ["reg.example.com/apim-trials/", "remove the trailing '/'", "reg.example.com/apim-trials"],
    ["reg.example.com/", "remove the trailing '/'", "reg.example.com"],
    ["na2devmashbr01.dev.tibco.com/experimental//apim", "it contains '//'", "na2devmashbr01.dev.tibco.com/experimental/apim"],
    ["reg.example.com/Apim-Trial", "'Apim-Trial' contains upper case", "reg.example.com/apim-trial"],
  ])("%s: %s, suggests -r %s", (value, reason, suggestion) => {
    const error = refusal(value);
    expect(error).toMatchObject({ code: "INVALID_REGISTRY", exitCode: 2 });
    expect(error.message).toContain(`-r ${JSON.stringify(value)} is not a registry`);
    expect(error.message).toContain(reason);
    expect(error.hint).toBe(`use -r ${suggestion}`);
  });

  it("user info: refused, and the password typed is not echoed back", () => {
    const error = refusal("user:hunter2@reg.example.com/apim");
    expect(error).toMatchObject({ code: "INVALID_REGISTRY", exitCode: 2 });
    expect(error.message).toContain('-r "****@reg.example.com/apim" is not a registry');
    expect(error.message).toContain("user info does not belong in -r");
    expect(`${error.message} ${error.hint}`).not.toContain("hunter2");
    expect(error.hint).toBe("use -r reg.example.com/apim");
  });

  it.each([
    ["reg.example.com/apim trial", "it contains white space"],
    [" reg.example.com", "it contains white space"],
    ["reg.example.com/apim\ttrial", "it contains white space"],
    ["reg.example.com/apim;rm", "it contains ';'"],
    ["reg.example.com/$(id)", "it contains '$'"],
    ["reg.example.com/`id`", "it contains '`'"],
    ["reg.example.com/a|b", "it contains '|'"],
    ["reg.example.com/a&b", "it contains '&'"],
    ["reg.example.com/a>b", "it contains '>'"],
    ["reg.example.com/a<b", "it contains '<'"],
    ["reg.example.com/a'b", "it contains '''"],
    ['reg.example.com/a"b', `it contains '"'`],
    ["reg.example.com/a\\b", "it contains '\\'"],
    ["reg.example.com/a*", "it contains '*'"],
    ["reg.example.com/a?", "it contains '?'"],
    ["reg.example.com/a!", "it contains '!'"],
    ["reg.example.com/a#b", "it contains '#'"],
    ["~/apim", "it contains '~'"],
    ["reg.example.com:99999/apim", "'99999' is not a port number (1-65535)"],
    ["reg.example.com:0/apim", "'0' is not a port number (1-65535)"],
    ["reg.example.com:http/apim", "'http' is not a port number (1-65535)"],
    ["reg.example.com:/apim", "'' is not a port number (1-65535)"],
    ["reg_example.com/apim", "'reg_example.com' is not a host name or IP address"],
    ["-reg.example.com/apim", "'-reg.example.com' is not a host name or IP address"],
    ["reg.example.com/a..b", "'a..b' breaks the rule"],
    ["reg.example.com/apim_", "'apim_' breaks the rule"],
    ["rég.example.com/apim", "characters outside letters, digits"],
    ["reg.example.com/apim%20x", "characters outside letters, digits"],
  ])("%j: %s", (value, reason) => {
    const error = refusal(value);
    expect(error).toMatchObject({ code: "INVALID_REGISTRY", exitCode: 2 });
    expect(error.message).toContain(`-r ${JSON.stringify(value)} is not a registry: `);
    expect(error.message).toContain(reason);
  });
});

describe("a fix never repeats the bad value", () => {
  it.each([
    [
      "127.0.0.1:5000/x:tag",
      "':tag' is a tag; -r names only the registry and path, the tag comes from -d",
      "use -r 127.0.0.1:5000/x -d tag",
    ],
    ["reg.example.com/apim/Toolkit:V6", "':V6' is a tag", "use -r reg.example.com/apim/toolkit -d V6"],
    ["reg.example.com/x:.bad", "':.bad' is a tag", "use -r reg.example.com/x"],
    ["https://reg.example.com/x:v1", "drop the scheme 'https://'", "use -r reg.example.com/x -d v1"],
    ["127.0.0.1:5000/x@sha256:0123abcd", "'sha256:0123abcd' is an image digest", "use -r 127.0.0.1:5000/x"],
    ["reg.example.com/x:v1@sha256:0123abcd", "'sha256:0123abcd' is an image digest", "use -r reg.example.com/x -d v1"],
    ["reg.example.com/a..b", "'a..b' breaks the rule", "use -r host[:port][/path], for example -r registry.example.com/apim"],
    ["reg.example.com/a:1/b", "'a:1' breaks the rule", "use -r host[:port][/path], for example -r registry.example.com/apim"],
  ])("%s: %s; %s", (value, reason, hint) => {
    const error = refusal(value);
    expect(error).toMatchObject({ code: "INVALID_REGISTRY", exitCode: 2, hint });
    expect(error.message).toContain(`-r ${JSON.stringify(value)} is not a registry: ${reason}`);
    expect(error.message, "a digest is not user info").not.toContain("log in");
  });

  it("a digest does not unmask a password before it", () => {
    const error = refusal("user:hunter2@reg.example.com/x@sha256:0123abcd");
    expect(`${error.message} ${error.hint}`).not.toContain("hunter2");
    expect(error.hint).toBe("use -r reg.example.com/x");
  });
});

describe("an IPv6 literal host (podman: invalid reference format)", () => {
  it.each([
    ["[::1]:5000/apim", "echo '::1 registry6.internal' | sudo tee -a /etc/hosts", "-r registry6.internal:5000/apim"],
    ["[fd00::2]", "echo 'fd00::2 registry6.internal' | sudo tee -a /etc/hosts", "-r registry6.internal"],
  ])("%s is refused, and the fix names it in /etc/hosts", (value, command, corrected) => {
    const error = refusal(value);
    expect(error).toMatchObject({ code: "INVALID_REGISTRY", exitCode: 2 });
    expect(error.message).toContain("podman does not accept an IPv6 address as a registry host");
    expect(error.hint).toContain(command);
    expect(error.hint).toMatch(new RegExp(`${corrected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
  });
});

describe("-r accepted", () => {
  it.each([
    ["reg.example.com", "reg.example.com", []],
    ["127.0.0.1:5000/a/b", "127.0.0.1:5000", ["a", "b"]],
    ["localhost:5000/apim", "localhost:5000", ["apim"]],
    ["Reg.Example.com/apim-trial/sub_dir/x__y/a.b/c--d", "Reg.Example.com", ["apim-trial", "sub_dir", "x__y", "a.b", "c--d"]],
  ])("%s", (value, host, path) => {
    expect(parseRegistryUri(value)).toEqual({ host, path, prefix: value });
  });
});

describe("a first component that is not a host (once accepted)", () => {
  // docker (and podman) read "harbor/apim/apim-le-cache:v6.0.0" as
  // docker.io/harbor/apim/...: a first component is a registry host only
  // with a '.', a ':' or as "localhost" (reference-rules.ts looksLikeHost).
  // Accepted, preflight would probe https://harbor/v2/ while the push went
  // to Docker Hub.
  it.each(["harbor/apim", "myregistry"])("%s is refused", (value) => {
    const error = refusal(value);
    expect(error).toMatchObject({ code: "INVALID_REGISTRY", exitCode: 2 });
    expect(error.message).toContain(JSON.stringify(value));
  });
});
