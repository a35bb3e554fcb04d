import { describe, expect, it } from "vitest";
import { decide } from "../../../src/serve/core.js";
import { mediaFacts } from "../../../src/serve/media/stored.js";

const stat = {
  size: 10,
  lastModified: new Date("2030-01-01T00:00:00.500Z"),
  etag: '"abc"',
};

describe("mediaFacts", () => {
  it("forces a download and a sandbox for HTML, keeping a signed filename", () => {
    const facts = mediaFacts("x.html", stat, {
      cacheControl: "private, no-store",
      disposition: 'inline; filename="x.html"',
    });
    expect(facts).toMatchObject({
      contentType: "text/html",
      disposition: 'attachment; filename="x.html"',
      sandbox: true,
      cors: false,
    });
  });

  it("takes the stored type over the name", () => {
    const facts = mediaFacts(
      "x.txt",
      { ...stat, contentType: "image/svg+xml" },
      { cacheControl: "" },
    );
    expect(facts).toMatchObject({
      contentType: "image/svg+xml",
      sandbox: true,
      disposition: "attachment",
    });
  });

  it("leaves inert types inline with the storage's validators, in whole seconds", () => {
    const facts = mediaFacts("a.png", stat, { cacheControl: "public, max-age=60" });
    expect(facts).toMatchObject({
      contentType: "image/png",
      disposition: undefined,
      sandbox: false,
      etag: '"abc"',
      mtime: Math.floor(Date.parse("2030-01-01T00:00:00Z") / 1000),
      lastModified: "Tue, 01 Jan 2030 00:00:00 GMT",
    });
  });
});

describe("decide, for media", () => {
  const facts = mediaFacts("a.png", stat, { cacheControl: "public, max-age=60" });
  const get = (extra: Record<string, string>) => ({
    method: "GET",
    target: "/media/a.png",
    ...extra,
  });

  const table: [string, Record<string, string>, unknown][] = [
    ["no conditions", {}, { status: 200 }],
    ["matching If-None-Match", { ifNoneMatch: '"abc"' }, { status: 304 }],
    ["weak If-None-Match in a list", { ifNoneMatch: '"x", W/"abc"' }, { status: 304 }],
    ["If-None-Match *", { ifNoneMatch: "*" }, { status: 304 }],
    [
      "If-None-Match wins over If-Modified-Since",
      { ifNoneMatch: '"other"', ifModifiedSince: "Tue, 01 Jan 2030 00:00:00 GMT" },
      { status: 200 },
    ],
    [
      "If-Modified-Since at the same second",
      { ifModifiedSince: "Tue, 01 Jan 2030 00:00:00 GMT" },
      { status: 304 },
    ],
    [
      "If-Modified-Since a second before",
      { ifModifiedSince: "Mon, 31 Dec 2029 23:59:59 GMT" },
      { status: 200 },
    ],
    ["a range", { range: "bytes=2-4" }, { status: 206, start: 2, end: 4 }],
    ["a range past the end", { range: "bytes=10-" }, { status: 416 }],
    [
      "a range under a matching If-Range",
      { range: "bytes=0-0", ifRange: '"abc"' },
      { status: 206, start: 0, end: 0 },
    ],
    ["a range under a stale If-Range", { range: "bytes=0-0", ifRange: '"old"' }, { status: 200 }],
  ];
  it.each(table)("%s", (_label, extra, expected) => {
    expect(decide(get(extra), facts)).toEqual(expected);
  });

  it("ignores a range on HEAD", () => {
    expect(decide({ method: "HEAD", target: "/", range: "bytes=0-0" }, facts)).toEqual({
      status: 200,
    });
  });

  it("matches no If-None-Match tag but * when the storage gives no ETag", () => {
    const untagged = { ...facts, etag: undefined };
    expect(decide(get({ ifNoneMatch: '"abc"' }), untagged)).toEqual({ status: 200 });
    expect(decide(get({ ifNoneMatch: "*" }), untagged)).toEqual({ status: 304 });
    expect(decide(get({ range: "bytes=0-0", ifRange: '"abc"' }), untagged)).toEqual({
      status: 200,
    });
  });
});
