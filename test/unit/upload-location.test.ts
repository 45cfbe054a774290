/**
 * The Location of an upload session (src/registry/upload-location.ts): a
 * path or an http(s) URL on any host is taken as given; anything else is
 * REGISTRY_ERROR naming the registry, before a byte goes there.
 */
import { describe, expect, it } from "vitest";
import { uploadLocation } from "../../src/registry/upload-location.ts";

const HOST = "reg.example.com:5000";

describe("uploadLocation", () => {
  it.each([
    "/v2/p/a/blobs/uploads/1?_state=x",
    "https://reg.example.com:5000/v2/p/a/blobs/uploads/1",
    "http://uploads.example.net/session/1?sig=abc",
    "uploads/1",
  ])("%s: taken as given", (value) => {
    expect(uploadLocation(value, HOST, "p/a")).toBe(value);
  });

  it.each(["ftp://uploads.example.net/1", "javascript:alert(1)", "http://", "/v2/p/a/blobs/uploads/1 x", "http://[broken/1"])(
    "%j: REGISTRY_ERROR naming the registry",
    (value) => {
      expect(() => uploadLocation(value, HOST, "p/a")).toThrow(
        expect.objectContaining({
          code: "REGISTRY_ERROR",
          message: `the registry ${HOST} gave an upload to p/a the Location ${JSON.stringify(value)}, which is neither an http(s) URL nor a path`,
          hint: expect.stringContaining("external URL") as string,
        }),
      );
    },
  );

  it.each([undefined, "", ["a", "b"]])("%j: REGISTRY_ERROR, no Location", (value) => {
    expect(() => uploadLocation(value, HOST, "p/a")).toThrow(
      expect.objectContaining({
        code: "REGISTRY_ERROR",
        message: `the registry ${HOST} opened an upload to p/a without a Location`,
      }),
    );
  });
});
