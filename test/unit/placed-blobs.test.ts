/**
 * The blobs a registry confirmed, as the state file remembers them for the
 * next run to mount (src/registry/placed-blobs.ts, kept in
 * upload-sessions.ts): by registry, one entry per digest, the newest last,
 * bounded; an entry the registry would not mount from is dropped; a file
 * that is not JSON, or entries that are not entries, count for nothing.
 * Only a 201 naming the digest counts as mounted (remembered-mount.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PLACED_PER_REGISTRY, PLACED_REGISTRIES, withPlaced, type PlacedBlob } from "../../src/registry/placed-blobs.ts";
import type { BundleBlob } from "../../src/bundle/bundle.ts";
import type { RegistryConnection } from "../../src/registry/connection.ts";
import { mountRemembered } from "../../src/registry/remembered-mount.ts";
import { UploadSessions } from "../../src/registry/upload-sessions.ts";

const HOST = "registry.example:5000";
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, "0")}`;
const entry = (n: number, repository = "apim/apim-le-cache"): PlacedBlob => ({
  digest: digest(n),
  repository,
  placedAt: "2026-01-01T00:00:00.000Z",
});

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function fresh() {
  const dir = mkdtempSync(join(tmpdir(), "placed-blobs-"));
  made.push(dir);
  const file = join(dir, "push-images", "uploads.json");
  const warnings: string[] = [];
  const open = () => new UploadSessions(file, { warn: (message) => warnings.push(message) });
  return { file, warnings, open };
}

function writeState(file: string, text: string): void {
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
}

describe("withPlaced", () => {
  it("keeps one entry per digest, the newest last, and drops the oldest beyond the bound", () => {
    let list: PlacedBlob[] = [];
    for (const n of [1, 2, 3]) list = withPlaced(list, entry(n), 3);
    list = withPlaced(list, entry(1, "apim/apim-le-toolkit"), 3);
    expect(list.map((e) => [e.digest, e.repository])).toEqual([
      [digest(2), "apim/apim-le-cache"],
      [digest(3), "apim/apim-le-cache"],
      [digest(1), "apim/apim-le-toolkit"],
    ]);
    list = withPlaced(list, entry(4), 3);
    expect(list.map((e) => e.digest)).toEqual([digest(3), digest(1), digest(4)]);
  });
});

describe("UploadSessions: placed blobs", () => {
  it("a later run reads where a blob was placed, by registry; open uploads are kept beside them", async () => {
    const { file, open } = fresh();
    const sessions = open();
    const upload = { registry: HOST, repository: "apim/x", digest: digest(9), location: "https://r/u/1", offset: 1, size: 2 };
    await sessions.record(upload);
    await sessions.placed(HOST, "apim/apim-le-cache", digest(1));
    await open().placed("other.example", "apim/apim-le-toolkit", digest(1));
    const later = open();
    expect(later.placedAt(HOST, digest(1))).toBe("apim/apim-le-cache");
    expect(later.placedAt("other.example", digest(1))).toBe("apim/apim-le-toolkit");
    expect(later.placedAt(HOST, digest(2))).toBeUndefined();
    expect(later.get(HOST, "apim/x", digest(9))).toMatchObject(upload);
    expect(JSON.parse(readFileSync(file, "utf8")).placed[HOST]).toEqual([expect.objectContaining({ digest: digest(1) })]);
  });

  it(`keeps the newest ${PLACED_PER_REGISTRY} per registry of a file that holds more`, () => {
    const { file, open } = fresh();
    const many = Array.from({ length: PLACED_PER_REGISTRY + 5 }, (_, n) => entry(n));
    writeState(file, JSON.stringify({ uploads: {}, placed: { [HOST]: many } }));
    const sessions = open();
    expect(sessions.placedAt(HOST, digest(4))).toBeUndefined();
    expect(sessions.placedAt(HOST, digest(5))).toBe("apim/apim-le-cache");
    expect(sessions.placedAt(HOST, digest(PLACED_PER_REGISTRY + 4))).toBe("apim/apim-le-cache");
  });

  it(`keeps the ${PLACED_REGISTRIES} registries placed into most lately: a host that tried many keeps a small file`, async () => {
    const { file, open } = fresh();
    const day = (n: number) => `2026-01-${String(n).padStart(2, "0")}T00:00:00.000Z`;
    const registries = Array.from({ length: PLACED_REGISTRIES + 3 }, (_, n) => [
      `r${n}.example`,
      [{ ...entry(n), placedAt: day(n + 1) }],
    ]);
    writeState(file, JSON.stringify({ uploads: {}, placed: Object.fromEntries(registries) }));
    // Written back with one more: the oldest four go.
    await open().placed(HOST, "apim/apim-le-cache", digest(99));
    const kept = Object.keys(JSON.parse(readFileSync(file, "utf8")).placed as object);
    expect(kept).toHaveLength(PLACED_REGISTRIES);
    expect(kept).toContain(HOST);
    expect(kept).toContain(`r${PLACED_REGISTRIES + 2}.example`);
    expect(kept).not.toContain("r3.example");
    expect(open().placedAt("r4.example", digest(4))).toBe("apim/apim-le-cache");
  });

  it("a blob the registry would not mount is forgotten, at once and in the file; the others stay", async () => {
    const { open } = fresh();
    const sessions = open();
    await sessions.placed(HOST, "apim/apim-le-cache", digest(1));
    await sessions.placed(HOST, "apim/apim-le-cache", digest(2));
    await sessions.placed("other.example", "apim/apim-le-cache", digest(1));
    const running = open();
    expect(running.placedAt(HOST, digest(1))).toBe("apim/apim-le-cache");
    await running.notPlaced(HOST, digest(1));
    expect(running.placedAt(HOST, digest(1)), "this run asks no more").toBeUndefined();
    const later = open();
    expect(later.placedAt(HOST, digest(1)), "nor does the next").toBeUndefined();
    expect(later.placedAt(HOST, digest(2))).toBe("apim/apim-le-cache");
    expect(later.placedAt("other.example", digest(1))).toBe("apim/apim-le-cache");
  });

  it("a file that is not JSON remembers nothing, with the state's one warning; entries that are not entries are dropped", async () => {
    const { file, warnings, open } = fresh();
    writeState(file, "{ not json");
    const sessions = open();
    expect(sessions.placedAt(HOST, digest(1))).toBeUndefined();
    await sessions.placed(HOST, "apim/apim-le-cache", digest(1));
    expect(warnings).toEqual([`${file} is not valid JSON; it is replaced by the next recorded upload`]);
    expect(open().placedAt(HOST, digest(1))).toBe("apim/apim-le-cache");

    const odd = [{ digest: digest(2) }, null, "x", { digest: digest(3), repository: 7, placedAt: "" }, entry(4)];
    writeState(file, JSON.stringify({ uploads: {}, placed: { [HOST]: odd, "bad.example": "not a list" } }));
    const read = open();
    expect([2, 3, 4].map((n) => read.placedAt(HOST, digest(n)))).toEqual([undefined, undefined, "apim/apim-le-cache"]);
    expect(read.placedAt("bad.example", digest(2))).toBeUndefined();
  });
});

describe("mountRemembered", () => {
  /** A registry that answers every request with `status` and `headers`, and records what it was asked. */
  function answering(status: number, headers: Record<string, string> = {}) {
    const asked: Array<{ path: string; scope?: string }> = [];
    const registry = {
      baseUrl: `https://${HOST}`,
      login: "podman login",
      request: async (path: string, init: { scope?: string }) => {
        asked.push({ path, scope: init.scope });
        return { status, headers, body: "" };
      },
    } as unknown as RegistryConnection;
    return { registry, asked };
  }
  const blob = { digest: digest(1) } as BundleBlob;
  const log = { verbose: () => undefined };

  async function mountAfterPlaced(status: number, headers?: Record<string, string>) {
    const { open } = fresh();
    const sessions = open();
    await sessions.placed(HOST, "apim/apim-le-cache", digest(1));
    const { registry, asked } = answering(status, headers);
    const answer = await mountRemembered({ host: HOST, sessions: open(), log }, registry, "apim/apim-le-toolkit", blob);
    return { answer, asked, later: open().placedAt(HOST, digest(1)) };
  }

  it("201 naming the digest: mounted, from the remembered repository, with pull on it in the token's scope", async () => {
    const { answer, asked, later } = await mountAfterPlaced(201, { "docker-content-digest": digest(1) });
    expect(answer).toBe("mounted");
    expect(asked).toEqual([
      {
        path: `/v2/apim/apim-le-toolkit/blobs/uploads/?mount=${encodeURIComponent(digest(1))}&from=apim%2Fapim-le-cache`,
        scope: "repository:apim/apim-le-toolkit:pull,push repository:apim/apim-le-cache:pull",
      },
    ]);
    expect(later).toBe("apim/apim-le-cache");
  });

  it.each([
    ["201 naming no digest", 201, {}],
    ["201 naming another digest", 201, { "docker-content-digest": digest(2) }],
    ["401", 401, {}],
    ["403", 403, {}],
    ["404", 404, {}],
  ])("%s: not mounted, and forgotten", async (_, status, headers) => {
    const { answer, later } = await mountAfterPlaced(status, headers);
    expect(answer).toBeUndefined();
    expect(later).toBeUndefined();
  });

  it("202: the upload session the registry opened instead, and forgotten", async () => {
    const session = `https://${HOST}/v2/apim/apim-le-toolkit/blobs/uploads/1?_state=x`;
    const { answer, later } = await mountAfterPlaced(202, { location: session });
    expect(answer).toBe(session);
    expect(later).toBeUndefined();
  });

  it("nothing remembered, or remembered in the target itself: no request", async () => {
    const { open } = fresh();
    const sessions = open();
    await sessions.placed(HOST, "apim/apim-le-toolkit", digest(1));
    const { registry, asked } = answering(201);
    expect(await mountRemembered({ host: HOST, sessions, log }, registry, "apim/apim-le-toolkit", blob)).toBeUndefined();
    expect(
      await mountRemembered({ host: HOST, sessions, log }, registry, "apim/other", { digest: digest(7) } as BundleBlob),
    ).toBeUndefined();
    expect(asked).toEqual([]);
  });
});
