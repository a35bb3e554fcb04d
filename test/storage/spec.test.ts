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
    ["memory://?public=true&maxLength=100", { driver: "memory", public: true, maxLength: 100 }],
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
    ["s3://b?forcePathStyle=yes", /"forcePathStyle" must be true or false; found "yes"/],
    ["file:///x?fileMode=abc", /"fileMode" must be a file mode/],
    ["s3://media?endpint=http://127.0.0.1:9", /no parameter "endpint"\. Did you mean "endpoint"\?/],
    [
      "s3://media?forcepathstyle=true",
      /no parameter "forcepathstyle"\. Did you mean "forcePathStyle"\?/,
    ],
    ["s3://media?bucket=other", /"bucket" comes from the URL itself/],
    ["s3://media?region=a&region=b", /gives "region" twice/],
    ["s3://media?partSize=1024", /"partSize" must be a whole number of bytes >= 5242880/],
    ["s3://media?conditionalPut=maybe", /"conditionalPut" must be one of "auto", true, false/],
    ["s3://media?client=x", /"client" cannot be given in a URL/],
    ["memory://?baseUrl=media", /"baseUrl" must be a URL prefix ending in "\/"/],
    ["azure://c?accountKey=", /found another value/],
    ["gs://b?keyfilename=x", /Did you mean "keyFilename"/],
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
