import { describe, expect, it } from "vitest";
import { chooseEncoding, type Encoding, EncodingCache } from "../../src/serve/encoding.js";

const ALL: Encoding[] = ["br", "zstd", "gzip", "identity"];

const CASES: ReadonlyArray<[string | undefined, Encoding[], Encoding]> = [
  [undefined, ALL, "identity"],
  ["", ALL, "identity"],
  ["br, gzip", ALL, "br"],
  ["gzip", ALL, "gzip"],
  ["gzip, deflate, br, zstd", ALL, "br"],
  ["zstd, gzip", ALL, "zstd"],
  ["br;q=0, gzip", ALL, "gzip"],
  ["br;q=0.0, gzip;q=0.000", ALL, "identity"],
  ["br;q=0.001", ALL, "br"],
  ["gzip;q=1, br;q=0.1", ALL, "br"],
  ["*", ALL, "br"],
  ["*;q=0", ALL, "identity"],
  ["*, br;q=0", ALL, "zstd"],
  ["identity;q=0", ALL, "identity"],
  ["gzip, identity;q=0", ALL, "gzip"],
  ["BR, GZIP", ALL, "br"],
  ["br ; q=0.5", ALL, "br"],
  ["br;q=2", ALL, "identity"],
  ["br;q=abc, gzip", ALL, "gzip"],
  ["br;level=3", ALL, "identity"],
  ["compress, x-gzip", ALL, "identity"],
  [",,, ,gzip", ALL, "gzip"],
  ["br, gzip", ["identity"], "identity"],
  ["br, gzip", ["identity", "gzip"], "identity"],
  ["gzip", ["gzip", "identity"], "gzip"],
];

describe("chooseEncoding", () => {
  it.each(CASES)("chooses for %j among %j: %s", (header, available, expected) => {
    expect(chooseEncoding(header, available)).toBe(expected);
  });
});

describe("EncodingCache", () => {
  it("chooses the same as chooseEncoding", () => {
    const cache = new EncodingCache();
    for (const [header, available, expected] of CASES) {
      expect(cache.choose(header, available)).toBe(expected);
      expect(cache.choose(header, available)).toBe(expected);
    }
  });

  it("stays bounded under many distinct headers", () => {
    const cache = new EncodingCache(8);
    for (let i = 0; i < 100; i++) cache.choose(`gzip, x-${i}`, ALL);
    expect(
      (cache as unknown as { entries: Map<string, unknown> }).entries.size,
    ).toBeLessThanOrEqual(8);
  });
});
