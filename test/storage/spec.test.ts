import { describe, expect, it } from "vitest";
import { createStoragesFromConfig, parseStorageUrl } from "../../src/storage/index.js";

describe("parseStorageUrl", () => {
  const table: [string, Record<string, unknown>][] = [
    ["file:///var/media", { driver: "fs", root: "/var/media" }],
    ["file://./media", { driver: "fs", root: "/base/media" }],
    ["memory://", { driver: "memory" }],
    [
      "s3://bucket/pre/fix?region=eu-west-1&endpoint=http://127.0.0.1:4569&forcePathStyle=true",
      {
        driver: "s3",
        bucket: "bucket",
        location: "pre/fix",
        region: "eu-west-1",
        endpoint: "http://127.0.0.1:4569",
        forcePathStyle: true,
      },
    ],
    [
      "azure://media/up?connectionString=A%3Db%3BC%3Dd",
      { driver: "azure", container: "media", location: "up", connectionString: "A=b;C=d" },
    ],
    ["gs://bucket", { driver: "gcs", bucket: "bucket" }],
    [
      "file:///srv/m?fileMode=0o640&dirMode=750",
      { driver: "fs", root: "/srv/m", fileMode: 0o640, dirMode: 750 },
    ],
  ];
  it.each(table)("reads %s", (url, expected) => {
    expect(parseStorageUrl(url, "/base")).toEqual(expected);
  });

  const bad: [string, RegExp][] = [
    ["ftp://x", /unknown scheme/],
    ["not a url", /not a storage URL/],
    ["s3:///nobucket", /names no bucket/],
    ["s3://b?forcePathStyle=yes", /use true or false/],
    ["file:///x?fileMode=abc", /must be a number/],
  ];
  it.each(bad)("refuses %s with E_CONFIG", (url, message) => {
    expect(() => parseStorageUrl(url)).toThrow(
      expect.objectContaining({ code: "E_CONFIG", message: expect.stringMatching(message) }),
    );
  });
});

describe("createStoragesFromConfig", () => {
  it("builds the default and each named storage, named ones under their own URL prefix", async () => {
    const storages = createStoragesFromConfig({
      secret: "s",
      media: { url: "/media/", storage: "memory://", storages: { private: { driver: "memory" } } },
    });
    expect(storages.default.url("a.txt")).toBe("/media/a.txt");
    expect(storages.private.url("a.txt")).toBe("/media-private/a.txt");
    await storages.private.save("a.txt", "x");
    expect(await storages.default.exists("a.txt")).toBe(false);
    expect(await storages.private.signedUrl("a.txt")).toMatch(/^\/media-private\/a\.txt\?expires=/);
  });

  it("refuses a named storage called default", () => {
    expect(() =>
      createStoragesFromConfig({
        media: { url: "/media/", storage: "memory://", storages: { default: "memory://" } },
      }),
    ).toThrow(expect.objectContaining({ code: "E_CONFIG" }));
  });
});
