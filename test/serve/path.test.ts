import { describe, expect, it } from "vitest";
import { decodePathComponent, NOT_OURS, REJECTED, requestKey } from "../../src/serve/path.js";

const TARGETS: ReadonlyArray<[string, string | typeof NOT_OURS | typeof REJECTED]> = [
  ["/static/css/a.css", "css/a.css"],
  ["/static/css/a.css?v=1", "css/a.css"],
  ["/static/css/a.css#top", "css/a.css"],
  ["/static/a%20b.css", "a b.css"],
  ["/static/%C3%A9.css", "é.css"],
  ["/static/a+b.css", "a+b.css"],
  ["/other/a.css", NOT_OURS],
  ["/staticx/a.css", NOT_OURS],
  ["/static", NOT_OURS],
  ["/static/", REJECTED],
  ["/static/../a", REJECTED],
  ["/static/a/../b", REJECTED],
  ["/static/./a", REJECTED],
  ["/static/%2e%2e/a", REJECTED],
  ["/static/a%2fb", REJECTED],
  ["/static/a%2Fb", REJECTED],
  ["/static/a%5cb", REJECTED],
  ["/static/a\\b", REJECTED],
  ["/static/a%00b", REJECTED],
  ["/static/%c0%af", REJECTED],
  ["/static/%ff", REJECTED],
  ["/static/%zz", REJECTED],
  ["/static/%4", REJECTED],
  ["/static/a//b", REJECTED],
  ["/static/a/", REJECTED],
  ["/static/.env", REJECTED],
  ["/static/a/.git/config", REJECTED],
  ["/static/a%0d%0ab", REJECTED],
  ["/static/a%7fb", REJECTED],
  // Raw bytes arrive from node:http as latin1 characters, one per byte.
  ["/static/\u00c3\u00a9.css", "é.css"],
  ["/static/..\u00c0\u00afsecret", REJECTED],
  ["/static/\u00ff.css", REJECTED],
  [`/static/${"a".repeat(5000)}`, REJECTED],
];

describe("requestKey", () => {
  it.each(TARGETS)("maps %s to %s", (target, expected) => {
    expect(requestKey(target, "/static/")).toBe(expected);
  });

  it("works with a deeper prefix", () => {
    expect(requestKey("/assets/v1/a.js", "/assets/v1/")).toBe("a.js");
    expect(requestKey("/assets/a.js", "/assets/v1/")).toBe(NOT_OURS);
  });
});

describe("decodePathComponent", () => {
  it("leaves text without escapes untouched", () => {
    expect(decodePathComponent("plain.css")).toBe("plain.css");
  });
  it("decodes multi-byte UTF-8", () => {
    expect(decodePathComponent("%E2%82%AC")).toBe("€");
  });
  it("refuses an encoded separator even in the middle of valid text", () => {
    expect(decodePathComponent("ok%2Fok")).toBeNull();
  });
  it("refuses overlong encodings", () => {
    expect(decodePathComponent("%c0%ae")).toBeNull();
    expect(decodePathComponent("%e0%80%ae")).toBeNull();
  });
});
