import { randomBytes } from "node:crypto";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { brotli, compressVariants, gzip } from "../../../src/static/compress/codecs.js";

const text = new TextEncoder().encode(
  Array.from({ length: 200 }, (_, i) => `.rule-${i} { margin: ${i}px; color: #333; }\n`).join(""),
);
const settings = {
  formats: ["br", "gzip"] as const,
  brotliQuality: 10,
  gzipLevel: 9,
  zstdLevel: 19,
};

describe("gzip", () => {
  it("writes a header without mtime or file name and with the 'unknown' OS byte", () => {
    const out = gzip(text, 9);
    expect([...out.subarray(0, 4)]).toEqual([0x1f, 0x8b, 8, 0]); // magic, deflate, no FNAME/FCOMMENT/FEXTRA
    expect([...out.subarray(4, 8)]).toEqual([0, 0, 0, 0]); // mtime 0
    expect(out[9]).toBe(255);
  });

  it("round-trips and gives the same bytes every time", () => {
    const first = gzip(text, 9);
    expect(Buffer.from(zlib.gunzipSync(first)).equals(Buffer.from(text))).toBe(true);
    expect(Buffer.from(gzip(text, 9)).equals(Buffer.from(first))).toBe(true);
  });
});

describe("brotli", () => {
  it("round-trips and gives the same bytes every time", () => {
    const first = brotli(text, 10, "css/a.css");
    expect(Buffer.from(zlib.brotliDecompressSync(first)).equals(Buffer.from(text))).toBe(true);
    expect(Buffer.from(brotli(text, 10, "css/a.css")).equals(Buffer.from(first))).toBe(true);
  });

  it("round-trips a font compressed with brotli's font mode", () => {
    const out = brotli(text, 5, "fonts/a.ttf");
    expect(Buffer.from(zlib.brotliDecompressSync(out)).equals(Buffer.from(text))).toBe(true);
  });
});

describe("compressVariants", () => {
  it("keeps both variants of compressible text", () => {
    const variants = compressVariants(
      text,
      "a.css",
      { ...settings, formats: ["br", "gzip"] },
      undefined,
    );
    expect(Object.keys(variants).sort()).toEqual(["br", "gzip"]);
  });

  it("keeps no variant of random bytes, which do not shrink to 95%", () => {
    const noise = randomBytes(4096);
    expect(
      compressVariants(noise, "a.bin", { ...settings, formats: ["br", "gzip"] }, undefined),
    ).toEqual({});
  });

  it("keeps only the format that clears the 95% rule when one does and one does not", () => {
    // 101 bytes of CSS: brotli (built-in dictionary, tiny framing) gets ~65 bytes; gzip's 18 bytes of framing leave ~97.
    const small = new TextEncoder().encode(
      "body{margin:0;padding:0}.a{color:red}.b{color:blue}.c{margin:0 auto;display:flex}.d{display:none}.e{p",
    );
    const variants = compressVariants(
      small,
      "a.css",
      { ...settings, formats: ["br", "gzip"] },
      undefined,
    );
    expect(Object.keys(variants)).toEqual(["br"]);
    expect(variants.br!.byteLength * 100).toBeLessThanOrEqual(small.byteLength * 95);
  });

  it("fails clearly when zstd is asked for but no zstd is loaded", () => {
    expect(() =>
      compressVariants(text, "a.css", { ...settings, formats: ["zstd"] }, undefined),
    ).toThrow("zstd is not available");
  });

  it("passes the configured zstd level to the zstd function", () => {
    const calls: number[] = [];
    const fakeZstd = (content: Uint8Array, level: number) => {
      calls.push(level);
      return content.subarray(0, 10);
    };
    const variants = compressVariants(
      text,
      "a.css",
      { ...settings, formats: ["zstd"], zstdLevel: 7 },
      fakeZstd,
    );
    expect(calls).toEqual([7]);
    expect(variants.zstd?.byteLength).toBe(10);
  });
});
