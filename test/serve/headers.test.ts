import { describe, expect, it } from "vitest";
import { etagFor, fullHeaders, type HeaderFacts } from "../../src/serve/headers.js";
import { contentTypeFor, isExecutableType, typeFor } from "../../src/serve/mime.js";

const TYPES: ReadonlyArray<[string, string]> = [
  ["a.css", "text/css; charset=utf-8"],
  ["a.js", "text/javascript; charset=utf-8"],
  ["a.mjs", "text/javascript; charset=utf-8"],
  ["a.json", "application/json; charset=utf-8"],
  ["a.svg", "image/svg+xml; charset=utf-8"],
  ["a.html", "text/html; charset=utf-8"],
  ["a.webmanifest", "application/manifest+json; charset=utf-8"],
  ["a.woff2", "font/woff2"],
  ["a.png", "image/png"],
  ["a.wasm", "application/wasm"],
  ["no-extension", "application/octet-stream"],
  ["a.unknownext", "application/octet-stream"],
];

describe("contentTypeFor", () => {
  it.each(TYPES)("types %s as %s", (name, expected) => {
    expect(contentTypeFor(name)).toBe(expected);
  });

  it("gives typeFor the same type without a charset", () => {
    for (const [name, expected] of TYPES) expect(typeFor(name)).toBe(expected.split(";")[0]);
  });
});

describe("isExecutableType", () => {
  it.each([
    "text/html",
    "image/svg+xml",
    "application/xhtml+xml",
    "text/javascript",
    "application/xml",
    "application/rss+xml",
    "TEXT/HTML; charset=utf-8",
  ])("treats %s as active content", (type) => expect(isExecutableType(type)).toBe(true));

  it.each(["image/png", "text/plain", "application/pdf", "video/mp4", "text/css"])(
    "treats %s as inert",
    (type) => expect(isExecutableType(type)).toBe(false),
  );
});

describe("fullHeaders", () => {
  const facts: HeaderFacts = {
    contentType: "text/css; charset=utf-8",
    size: 42,
    encoding: "br",
    etag: etagFor(42, 0x65f1),
    mtime: 0x65f1,
    lastModified: "Wed, 01 May 2024 12:00:00 GMT",
    cacheControl: "public, max-age=60",
    vary: true,
    cors: true,
  };

  it("describes an encoded variant completely", () => {
    expect(fullHeaders(facts)).toEqual({
      "Content-Type": "text/css; charset=utf-8",
      "Content-Length": "42",
      "Content-Encoding": "br",
      ETag: '"65f1-2a"',
      "Last-Modified": "Wed, 01 May 2024 12:00:00 GMT",
      "Cache-Control": "public, max-age=60",
      Vary: "Accept-Encoding",
      "Accept-Ranges": "bytes",
      "Access-Control-Allow-Origin": "*",
      "X-Content-Type-Options": "nosniff",
    });
  });

  it("omits Content-Encoding and Vary for a file without variants", () => {
    const headers = fullHeaders({ ...facts, encoding: "identity", vary: false });
    expect(headers["Content-Encoding"]).toBeUndefined();
    expect(headers.Vary).toBeUndefined();
  });
});

describe("fullHeaders for media", () => {
  const facts: HeaderFacts = {
    contentType: "text/html",
    size: 3,
    encoding: "identity",
    etag: undefined,
    mtime: 0,
    lastModified: "Thu, 01 Jan 1970 00:00:00 GMT",
    cacheControl: "private, no-store",
    vary: false,
    cors: false,
    disposition: 'attachment; filename="x.html"',
    sandbox: true,
  };

  it("sends the disposition and the sandbox, and no CORS or ETag", () => {
    const headers = fullHeaders(facts);
    expect(headers["Content-Disposition"]).toBe('attachment; filename="x.html"');
    expect(headers["Content-Security-Policy"]).toBe("default-src 'none'; sandbox");
    expect(headers["Access-Control-Allow-Origin"]).toBeUndefined();
    expect(headers.ETag).toBeUndefined();
    expect(headers["X-Content-Type-Options"]).toBe("nosniff");
  });
});
