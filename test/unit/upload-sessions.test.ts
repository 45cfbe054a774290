/**
 * The state file of chunked uploads (src/registry/upload-sessions.ts):
 * where it lives, what it keeps and for how long, that it is private and
 * written whole, and that a file it cannot read or write never fails a push.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UploadSessions, uploadStateFile, type RecordedUpload } from "../../src/registry/upload-sessions.ts";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const LOCATION = "https://registry.example:5000/v2/apim/apim-le-cache/blobs/uploads/1f0c?_state=c2lnbmVk";

function upload(overrides: Partial<RecordedUpload> = {}): Omit<RecordedUpload, "recordedAt"> {
  return {
    registry: "registry.example:5000",
    repository: "apim/apim-le-cache",
    digest: DIGEST,
    location: LOCATION,
    offset: 8 * 2 ** 20,
    size: 2e8,
    ...overrides,
  };
}

/** Every directory a test made, removed at the end: the tests leave nothing in /tmp. */
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function fresh(now: () => number = Date.now) {
  const dir = mkdtempSync(join(tmpdir(), "upload-sessions-"));
  made.push(dir);
  const file = join(dir, "state", "push-images", "uploads.json");
  const warnings: string[] = [];
  const sessions = new UploadSessions(file, { warn: (message) => warnings.push(message) }, now);
  return {
    dir,
    file,
    warnings,
    sessions,
    again: () => new UploadSessions(file, { warn: (message) => warnings.push(message) }, now),
  };
}

describe("uploadStateFile", () => {
  it("is under XDG_STATE_HOME when it is set, else ~/.local/state", () => {
    expect(uploadStateFile({ XDG_STATE_HOME: "/srv/state", HOME: "/home/op" })).toBe("/srv/state/push-images/uploads.json");
    expect(uploadStateFile({ HOME: "/home/op" })).toBe("/home/op/.local/state/push-images/uploads.json");
    // The XDG rule: a relative path is invalid and ignored.
    expect(uploadStateFile({ XDG_STATE_HOME: "state", HOME: "/home/op" })).toBe("/home/op/.local/state/push-images/uploads.json");
  });
});

describe("UploadSessions", () => {
  it("records a session that a later run reads back, by registry, repository and digest", async () => {
    const { sessions, again } = fresh();
    await sessions.record(upload());
    const read = again();
    expect(read.get("registry.example:5000", "apim/apim-le-cache", DIGEST)).toMatchObject(upload());
    expect(read.get("registry.example:5000", "apim/apim-le-toolkit", DIGEST)).toBeUndefined();
    expect(read.get("other.example", "apim/apim-le-cache", DIGEST)).toBeUndefined();
    expect(read.get("registry.example:5000", "apim/apim-le-cache", `sha256:${"cd".repeat(32)}`)).toBeUndefined();
  });

  it("moves a session on: the latest Location and offset replace the earlier ones", async () => {
    const { sessions, again } = fresh();
    await sessions.record(upload());
    await sessions.record(upload({ location: `${LOCATION}2`, offset: 16 * 2 ** 20 }));
    expect(again().get("registry.example:5000", "apim/apim-le-cache", DIGEST)).toMatchObject({
      location: `${LOCATION}2`,
      offset: 16 * 2 ** 20,
    });
  });

  it("is private (0600 in a 0700 directory) and written whole: no temporary file stays", async () => {
    const { sessions, file } = fresh();
    await sessions.record(upload());
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, "..")).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(file, ".."))).toEqual(["uploads.json"]);
  });

  it("holds the Location and the offset, never credentials", async () => {
    const { sessions, file } = fresh();
    await sessions.record(
      upload({ location: "https://robot$apim+ci:s3cret@registry.example:5000/v2/apim/x/blobs/uploads/1?_state=abc" }),
    );
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("s3cret");
    expect(text).not.toContain("robot");
    expect(text).toContain("https://registry.example:5000/v2/apim/x/blobs/uploads/1?_state=abc");
  });

  it("forgets one session and keeps the others, also those another run wrote meanwhile", async () => {
    const { sessions, again } = fresh();
    await sessions.record(upload());
    await again().record(upload({ repository: "apim/apim-le-toolkit" }));
    await sessions.forget("registry.example:5000", "apim/apim-le-cache", DIGEST);
    const read = again();
    expect(read.get("registry.example:5000", "apim/apim-le-cache", DIGEST)).toBeUndefined();
    expect(read.get("registry.example:5000", "apim/apim-le-toolkit", DIGEST)).toBeDefined();
  });

  it("writes nothing when there is nothing to forget", async () => {
    const { sessions, file } = fresh();
    await sessions.forget("registry.example:5000", "apim/apim-le-cache", DIGEST);
    expect(() => statSync(file)).toThrow(/ENOENT/);
  });

  it("drops sessions older than a week: registries purge them", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const { sessions, again } = fresh(() => now);
    await sessions.record(upload());
    now += 6 * 24 * 3600 * 1000;
    expect(again().get("registry.example:5000", "apim/apim-le-cache", DIGEST)).toBeDefined();
    now += 2 * 24 * 3600 * 1000;
    expect(again().get("registry.example:5000", "apim/apim-le-cache", DIGEST)).toBeUndefined();
  });

  it("a damaged file counts as empty, with a warning, and is replaced by the next record", async () => {
    const { sessions, file, warnings, again } = fresh();
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, "{ not json");
    expect(sessions.get("registry.example:5000", "apim/apim-le-cache", DIGEST)).toBeUndefined();
    expect(warnings).toEqual([`${file} is not valid JSON; it is replaced by the next recorded upload`]);
    await sessions.record(upload());
    expect(again().get("registry.example:5000", "apim/apim-le-cache", DIGEST)).toBeDefined();
  });

  it("a place it cannot write to costs a warning, once, not the push", async () => {
    const { dir, warnings } = fresh();
    // A file where the directory should be: refused to root too.
    writeFileSync(join(dir, "not-a-directory"), "");
    const sessions = new UploadSessions(join(dir, "not-a-directory", "push-images", "uploads.json"), {
      warn: (message) => warnings.push(message),
    });
    await expect(sessions.record(upload())).resolves.toBeUndefined();
    await expect(sessions.record(upload({ offset: 1 }))).resolves.toBeUndefined();
    expect(warnings, "one warning for the run").toHaveLength(1);
    // What matters is that nothing can be recorded, not that nothing could be read.
    expect(warnings[0]).toMatch(
      /^cannot record upload sessions in .*not-a-directory.*: an interrupted upload will start afresh next time$/,
    );
  });
  it("a file it cannot write costs a warning, once, not the push", async () => {
    const { file, warnings, sessions } = fresh();
    // A directory where the temporary file goes: refused to root too.
    mkdirSync(`${file}.${process.pid}.tmp`, { recursive: true });
    await expect(sessions.record(upload())).resolves.toBeUndefined();
    await expect(sessions.forget("registry.example:5000", "apim/apim-le-cache", DIGEST)).resolves.toBeUndefined();
    expect(warnings, "one warning for the run").toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^cannot record upload sessions in .*uploads\.json \(EISDIR.*\): an interrupted upload will start afresh next time$/,
    );
  });
});
