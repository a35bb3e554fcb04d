import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import {
  defineVariants,
  resolveImageLimits,
  specHash,
  validateVariantSpec,
} from "../../src/images/index.js";

const BAD_SPECS: [string, unknown, string, RegExp][] = [
  ["not an object", "300x300", "images.variants.thumb.(spec)", /must be an object/],
  ["unknown key", { width: 300 }, "images.variants.thumb.width", /one of the known keys/],
  [
    "fit and cover together",
    { fit: [1, 1], cover: [1, 1] },
    "images.variants.thumb.cover",
    /choose one/,
  ],
  ["box with one side", { fit: [300] }, "images.variants.thumb.fit", /\[width, height\]/],
  ["box with zero", { cover: [0, 300] }, "images.variants.thumb.cover", /above 0/],
  ["fractional box", { fit: [300.5, 200] }, "images.variants.thumb.fit", /whole pixels/],
  ["box over the output cap", { fit: [9000, 100] }, "images.variants.thumb.fit", /at most 8192 px/],
  [
    "position without cover",
    { fit: [1, 1], position: "attention" },
    "images.variants.thumb.position",
    /cover only/,
  ],
  [
    "unknown position",
    { cover: [1, 1], position: "top" },
    "images.variants.thumb.position",
    /"centre"/,
  ],
  [
    "unknown format",
    { format: "bmp" },
    "images.variants.thumb.format",
    /jpeg, webp, avif, png, gif/,
  ],
  ["quality 0", { quality: 0 }, "images.variants.thumb.quality", /1 to 100/],
  ["quality 101", { quality: 101 }, "images.variants.thumb.quality", /1 to 100/],
  ["non-boolean enlarge", { enlarge: "yes" }, "images.variants.thumb.enlarge", /true or false/],
  [
    "named colour background",
    { background: "white" },
    "images.variants.thumb.background",
    /hex colour/,
  ],
];

describe("validateVariantSpec", () => {
  it.each(BAD_SPECS)("refuses %s, naming the variant and key", (_, raw, key, message) => {
    let caught: unknown;
    try {
      validateVariantSpec("thumb", raw);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.code).toBe("E_CONFIG");
    expect(error.key).toBe(key);
    expect(error.message).toMatch(/^Image variant "thumb": /);
    expect(error.message).toMatch(message);
  });

  it("refuses variant names that cannot appear in a file name", () => {
    for (const name of ["", "a b", "../x", "-lead", "x".repeat(33), "a.b"]) {
      expect(() => validateVariantSpec(name, { fit: [1, 1] })).toThrow(/must be 1-32 letters/);
    }
  });

  it("fills defaults and spells center as centre", () => {
    expect(validateVariantSpec("thumb", { cover: [300, 300], position: "center" })).toEqual({
      cover: [300, 300],
      position: "centre",
      enlarge: false,
      animated: false,
      keepMetadata: false,
      background: "#ffffff",
    });
  });

  it("accepts boxes up to a raised output cap", () => {
    expect(
      validateVariantSpec("big", { fit: [9000, 100] }, { maxOutputDimension: 10_000 }).fit,
    ).toEqual([9000, 100]);
  });
});

describe("defineVariants", () => {
  it("validates every variant of the config", () => {
    const variants = defineVariants({
      thumb: { cover: [300, 300], format: "webp" },
      large: { fit: [1920, 1080] },
    });
    expect(Object.keys(variants)).toEqual(["thumb", "large"]);
    expect(() => defineVariants({ ok: { fit: [1, 1] }, bad: { fit: "big" } })).toThrow(
      /Image variant "bad"/,
    );
  });
});

describe("specHash", () => {
  it("is eight hex digits, the same for spellings of one spec", () => {
    const a = specHash(validateVariantSpec("a", { cover: [300, 300] }));
    const b = specHash(
      validateVariantSpec("b", { cover: [300, 300], position: "center", enlarge: false }),
    );
    expect(a).toMatch(/^[0-9a-f]{8}$/);
    expect(a).toBe(b);
  });

  it("changes when anything that affects the pixels changes", () => {
    const base = { cover: [300, 300] as const };
    const hashes = new Set(
      [
        base,
        { cover: [300, 301] },
        { fit: [300, 300] },
        { ...base, format: "webp" },
        { ...base, quality: 70 },
        { ...base, position: "attention" },
        { ...base, background: "#000000" },
        { ...base, enlarge: true },
      ].map((spec) => specHash(validateVariantSpec("v", spec))),
    );
    expect(hashes.size).toBe(8);
  });
});

describe("resolveImageLimits", () => {
  it("defaults to Pillow's pixel threshold, 32,768 px sides, 100:1, an 8192 px output cap, SVG off", () => {
    expect(resolveImageLimits()).toEqual({
      maxInputPixels: 89_478_485,
      maxInputSide: 32_768,
      maxAspectRatio: 100,
      maxOutputDimension: 8192,
      allowSvg: false,
    });
  });

  it.each([0, -1, 1.5, "100"])("refuses maxInputPixels %j", (value) => {
    expect(() => resolveImageLimits({ maxInputPixels: value as number })).toThrow(
      /"maxInputPixels" must be a positive whole number/,
    );
  });
});
