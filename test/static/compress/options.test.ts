import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { CompressionUnavailableError } from "../../../src/static/compress/errors.js";
import {
  assertFormatsAvailable,
  resolveCompressorOptions,
} from "../../../src/static/compress/options.js";
import { detectZstd, ZSTD_PACKAGE } from "../../../src/static/compress/zstd.js";

const ALL = ["br", "gzip", "zstd"] as const;

describe("resolveCompressorOptions", () => {
  it("fills the documented defaults", () => {
    const resolved = resolveCompressorOptions({ formats: ["br", "gzip"] }, ALL);
    expect(resolved).toMatchObject({
      formats: ["br", "gzip"],
      brotliQuality: 10,
      gzipLevel: 9,
      zstdLevel: 19,
    });
    expect(resolved.workers).toBeGreaterThanOrEqual(1);
  });

  it("drops repeated formats and keeps the given order", () => {
    expect(resolveCompressorOptions({ formats: ["gzip", "br", "gzip"] }, ALL).formats).toEqual([
      "gzip",
      "br",
    ]);
  });

  const bad: [name: string, options: Record<string, unknown>, key: string, message: RegExp][] = [
    ["formats not an array", { formats: "br" }, "formats", /must be an array.*got "br"/],
    [
      "an unknown format",
      { formats: ["br", "deflate"] },
      "formats",
      /"br", "gzip" and "zstd"; got "deflate"/,
    ],
    ["brotliQuality above 11", { brotliQuality: 12 }, "brotliQuality", /from 0 to 11; got 12/],
    ["brotliQuality not whole", { brotliQuality: 9.5 }, "brotliQuality", /whole number.*got 9.5/],
    ["gzipLevel 0", { gzipLevel: 0 }, "gzipLevel", /from 1 to 9; got 0/],
    ["zstdLevel 23", { zstdLevel: 23 }, "zstdLevel", /from 1 to 22; got 23/],
    ["workers 0", { workers: 0 }, "workers", /from 1 to 256; got 0/],
    ["workers as a string", { workers: "2" }, "workers", /got "2"/],
  ];
  it.each(bad)("rejects %s with a ConfigError naming the key", (_name, options, key, message) => {
    const attempt = () => resolveCompressorOptions({ formats: ["br"], ...options } as never, ALL);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: "E_CONFIG", key });
    }
  });
});

describe("zstd availability", () => {
  it("throws E_COMPRESSION_UNAVAILABLE naming the package to install when zstd is missing", () => {
    const attempt = () => assertFormatsAvailable(["br", "zstd"], ["br", "gzip"]);
    expect(attempt).toThrow(CompressionUnavailableError);
    expect(attempt).toThrow(`npm install ${ZSTD_PACKAGE}`);
    expect(attempt).toThrow(/Node >= 22.15/);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: "E_COMPRESSION_UNAVAILABLE", format: "zstd" });
    }
  });

  it("refuses zstd in createCompressor's options when it is unavailable", () => {
    expect(() => resolveCompressorOptions({ formats: ["zstd"] }, ["br", "gzip"])).toThrow(
      CompressionUnavailableError,
    );
  });

  const installed = () => "/somewhere/index.js";
  const missing = () => {
    throw Object.assign(new Error("not found"), { code: "MODULE_NOT_FOUND" });
  };
  const cases: [
    name: string,
    zlib: object,
    resolve: (name: string) => string,
    expected: unknown,
  ][] = [
    ["Node's own zstd first", { zstdCompressSync: () => null }, installed, "node:zlib"],
    ["Node's own zstd without the package", { zstdCompressSync: () => null }, missing, "node:zlib"],
    ["the package on Node 20", {}, installed, ZSTD_PACKAGE],
    ["nothing on Node 20 without the package", {}, missing, undefined],
  ];
  it.each(cases)("detectZstd picks %s", (_name, zlib, resolve, expected) => {
    expect(detectZstd({ zlib, resolve })).toBe(expected);
  });
});
