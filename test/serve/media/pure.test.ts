import { describe, expect, it } from "vitest";
import { isExecutableType, isNotModified, mediaHeaders } from "../../../src/serve/media/headers.js";
import { nameFromPath } from "../../../src/serve/media/path.js";
import { parseRange } from "../../../src/serve/media/range.js";

describe("parseRange on a 10-byte file", () => {
  const table: [string | undefined, ReturnType<typeof parseRange>][] = [
    [undefined, null],
    ["bytes=0-0", { start: 0, end: 0 }],
    ["bytes=2-4", { start: 2, end: 4 }],
    ["bytes=7-", { start: 7, end: 9 }],
    ["bytes=-3", { start: 7, end: 9 }],
    ["bytes=-30", { start: 0, end: 9 }],
    ["bytes=5-100", { start: 5, end: 9 }],
    ["bytes=10-", "unsatisfiable"],
    ["bytes=-0", "unsatisfiable"],
    ["bytes=4-2", null],
    ["bytes=0-1,3-4", null],
    ["items=0-1", null],
    ["bytes=-", null],
  ];
  it.each(table)("reads %j as %j", (header, expected) => {
    expect(parseRange(header, 10)).toEqual(expected);
  });
  it("finds nothing satisfiable in an empty file", () => {
    expect(parseRange("bytes=0-", 0)).toBe("unsatisfiable");
  });
});

describe("nameFromPath", () => {
  const refused = [
    "../etc/passwd",
    "%2e%2e/etc/passwd",
    "a/%2e%2e/%2e%2e/x",
    "a%2fb",
    "a%5cb",
    "a\\b",
    "a%00b",
    ".env",
    "dir/.hidden",
    "a//b",
    "",
    "%E0%A4%A",
  ];
  it.each(refused)("refuses %j", (rest) => {
    expect(nameFromPath(rest)).toBeNull();
  });
  it.each([
    ["a.png", "a.png"],
    ["dir/a%20b.png", "dir/a b.png"],
    ["%C3%BC.txt", "ü.txt"],
  ])("maps %j to %j", (rest, name) => {
    expect(nameFromPath(rest)).toBe(name);
  });
});

describe("media headers", () => {
  const stat = {
    name: "a",
    size: 3,
    lastModified: new Date("2030-01-01T00:00:00.500Z"),
    etag: '"abc"',
  };

  it.each([
    "text/html",
    "image/svg+xml",
    "application/xhtml+xml",
    "text/javascript",
    "application/xml",
    "application/rss+xml",
    "TEXT/HTML; charset=utf-8",
  ])("treats %s as executable", (type) => expect(isExecutableType(type)).toBe(true));
  it.each(["image/png", "text/plain", "application/pdf", "video/mp4"])(
    "treats %s as inert",
    (type) => {
      expect(isExecutableType(type)).toBe(false);
    },
  );

  it("forces a download and a sandbox for HTML, keeping a signed filename", () => {
    const headers = mediaHeaders(stat, "text/html", {
      disposition: 'inline; filename="x.html"',
      cacheControl: "private, no-store",
    });
    expect(headers["Content-Disposition"]).toBe('attachment; filename="x.html"');
    expect(headers["Content-Security-Policy"]).toContain("sandbox");
    expect(headers["X-Content-Type-Options"]).toBe("nosniff");
  });

  it("leaves inert types inline with their validators", () => {
    const headers = mediaHeaders(stat, "image/png", { cacheControl: "public, max-age=60" });
    expect(headers["Content-Disposition"]).toBeUndefined();
    expect(headers).toMatchObject({
      ETag: '"abc"',
      "Last-Modified": "Tue, 01 Jan 2030 00:00:00 GMT",
    });
  });

  const conditional: [string | undefined, string | undefined, boolean][] = [
    ['"abc"', undefined, true],
    ['"x", W/"abc"', undefined, true],
    ["*", undefined, true],
    ['"other"', "Tue, 01 Jan 2030 00:00:00 GMT", false],
    [undefined, "Tue, 01 Jan 2030 00:00:00 GMT", true],
    [undefined, "Mon, 31 Dec 2029 23:59:59 GMT", false],
    [undefined, "not a date", false],
    [undefined, undefined, false],
  ];
  it.each(conditional)(
    "If-None-Match %j / If-Modified-Since %j -> not modified %s",
    (inm, ims, expected) => {
      expect(isNotModified(stat, inm, ims)).toBe(expected);
    },
  );
});
