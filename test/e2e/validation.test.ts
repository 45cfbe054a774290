/**
 * Every validation rule of issue 2: exit 2, an `Error [CODE]` naming the
 * value, and nothing touched. Each run is otherwise valid (podman, -t, the
 * plain registry), so a rule the CLI forgot to check would really push and
 * the test would see it.
 */
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { expectInvalid, expectNamesValue } from "./helpers/expect-invalid.ts";

const bed = useBed();
const host = bed.registries.plain.host;
const podman = ["-c", "podman", "-t"];

describe.concurrent("-r (registry)", () => {
  it("missing -r", async () => {
    await expectInvalid(podman, "MISSING_REGISTRY");
  });

  // Each builds an invalid -r value around the test's unique path component.
  const invalid: [string, (t: string) => string][] = [
    ["a scheme https://", (t) => `https://${host}/${t}`],
    ["a scheme http://", (t) => `http://${host}/${t}`],
    ["a trailing /", (t) => `${host}/${t}/`],
    ["a trailing / after the bare host", () => `${host}/`],
    ["// between host and path", (t) => `${host}//${t}`],
    ["// inside the path", (t) => `${host}/${t}//apim`],
    ["upper case in the path", (t) => `${host}/${t}/Apim`],
    ["an upper-case path component", (t) => `${host}/${t.toUpperCase()}`],
    ["a space in the path", (t) => `${host}/${t}/a b`],
    ["a leading space", (t) => ` ${host}/${t}`],
    ["a tab", (t) => `${host}/${t}\tx`],
    ...[";", "$(", ")", "`", "|", "&", ">", "<", "$"].map((c): [string, (t: string) => string] => [
      `the shell metacharacter ${c}`,
      (t) => `${host}/${t}${c}x`,
    ]),
  ];

  it.each(invalid)("%s", async (_rule, make) => {
    const token = uniqueName();
    const value = make(token);
    const { error } = await expectInvalid(["-r", value, ...podman], "INVALID_REGISTRY", token);
    expectNamesValue(error, value.trim());
  });

  // The message may mask user info (it can hold a password) but must name the rest.
  it.each([
    ["user@", "user"],
    ["user:password@", "user:s3cr3t-pw"],
  ])("user info %s", async (_rule, userInfo) => {
    const token = uniqueName();
    const { error } = await expectInvalid(["-r", `${userInfo}@${host}/${token}`, ...podman], "INVALID_REGISTRY", token);
    expect(error).toContain(`${host}/${token}`);
    expect(error, "the password is not printed").not.toContain("s3cr3t-pw");
  });
});

describe.concurrent("-d / -s (tags)", () => {
  const invalid: [string, string][] = [
    ["129 characters", "a".repeat(129)],
    ["non-ASCII letters", "v6.0.0-é"],
    ["a non-ASCII digit", "v٦"],
    ["a leading .", ".v6"],
    ["a leading -", "-v6"],
    ["a colon", "v6:0"],
    ["a slash", "v6/0"],
    ["a space", "v6 0"],
    ["a plus", "v6+0"],
  ];

  for (const [flag, long] of [
    ["-d", "--dest-tag"],
    ["-s", "--source-tag"],
  ] as const) {
    it.each(invalid)(`${flag} with %s`, async (_rule, tag) => {
      const token = uniqueName();
      // --flag=value, so a value that starts with '-' is not read as a flag.
      const { error } = await expectInvalid(["-r", `${host}/${token}`, ...podman, `${long}=${tag}`], "INVALID_TAG", token);
      if (tag.length > 128) expect(error, "the message names the 128-character limit").toContain("128");
      else expectNamesValue(error, tag);
    });
  }
});

describe.concurrent("-i (images)", () => {
  it("an image that is not one of the product's lists the valid ones", async () => {
    const token = uniqueName();
    const { error } = await expectInvalid(["-r", `${host}/${token}`, ...podman, "-i", "apim-le-nope"], "UNKNOWN_IMAGE", token);
    expect(error).toContain("apim-le-nope");
    for (const image of bed.productImages) expect(error, `lists ${image}`).toContain(image);
  });

  it("a valid image beside an unknown one pushes neither", async () => {
    const token = uniqueName();
    await expectInvalid(["-r", `${host}/${token}`, ...podman, "-i", "apim-le-cache", "-i", "cache"], "UNKNOWN_IMAGE", token);
  });

  it("image names are case-sensitive", async () => {
    const token = uniqueName();
    await expectInvalid(["-r", `${host}/${token}`, ...podman, "-i", "APIM-LE-CACHE"], "UNKNOWN_IMAGE", token);
  });
});

describe.concurrent("-c (container tool)", () => {
  it.each(["nerdctl", "Podman", "docker ", "buildah", "/usr/bin/podman"])("-c %j", async (toolName) => {
    const token = uniqueName();
    const { error } = await expectInvalid(["-r", `${host}/${token}`, "-t", "-c", toolName], "INVALID_CONTAINER_TOOL", token);
    expect(error).toContain("podman");
    expect(error).toContain("docker");
  });
});

describe.concurrent("-p (source path)", () => {
  it.each(["APIM", "apim/", "/apim", "ap im", "apim//x", "apim;x"])("-p %j", async (path) => {
    const token = uniqueName();
    const { error } = await expectInvalid(["-r", `${host}/${token}`, ...podman, "-p", path], "INVALID_SOURCE_PATH", token);
    expectNamesValue(error, path);
  });
});

describe.concurrent("usage", () => {
  it.each(["--bogus", "-x"])("an unknown option %s", async (option) => {
    const token = uniqueName();
    const { error } = await expectInvalid(["-r", `${host}/${token}`, ...podman, option], "USAGE", token);
    expect(error).toContain(option);
  });
});
