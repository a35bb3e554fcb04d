import { describe, expect, it } from "vitest";
import { contentTypeFor, etagFor, fullHeaders, type HeaderFacts } from "../../src/serve/headers.js";

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
});

describe("fullHeaders", () => {
  const facts: HeaderFacts = {
    contentType: "text/css; charset=utf-8",
    size: 42,
    encoding: "br",
    etag: etagFor(42, 0x65f1),
    lastModified: "Wed, 01 May 2024 12:00:00 GMT",
    cacheControl: "public, max-age=60",
    vary: true,
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
