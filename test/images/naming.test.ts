import { describe, expect, it } from "vitest";
import { classifyDecodeError } from "../../src/images/decode-errors.js";
import {
  isVariantOf,
  parseVariantName,
  specHash,
  srcset,
  validateVariantSpec,
  variantName,
  variantSrcset,
} from "../../src/images/index.js";

const thumb = validateVariantSpec("thumb", { cover: [300, 300], format: "webp" });
const large = validateVariantSpec("large", { fit: [1920, 1080] });

describe("variantName", () => {
  it("puts the variant beside the original with the spec's hash and the output extension", () => {
    expect(variantName("photos/cat.jpg", "thumb", thumb)).toBe(
      `photos/cat.jpg.thumb-${specHash(thumb)}.webp`,
    );
  });

  it("names the same variant from a raw config spec and from its validated form", () => {
    const raw = { cover: [300, 300] as [number, number], format: "webp" as const };
    expect(variantName("a.jpg", "thumb", raw)).toBe(variantName("a.jpg", "thumb", thumb));
    const center = { cover: [300, 300] as [number, number], position: "center" as "centre" };
    expect(specHash(center)).toBe(specHash(validateVariantSpec("t", center)));
  });

  it("keeps the original's format when the spec names none, JPEG for non-web originals", () => {
    expect(variantName("a/b.png", "large", large)).toMatch(/^a\/b\.png\.large-[0-9a-f]{8}\.png$/);
    expect(variantName("a/b.JPEG", "large", large)).toMatch(/\.jpg$/);
    expect(variantName("scan.tiff", "large", large)).toMatch(/\.jpg$/);
    expect(variantName("noext", "large", large)).toMatch(/^noext\.large-[0-9a-f]{8}\.jpg$/);
  });

  it("gives cat.jpg and cat.png different variants", () => {
    expect(variantName("cat.jpg", "thumb", thumb)).not.toBe(variantName("cat.png", "thumb", thumb));
  });
});

describe("parseVariantName", () => {
  it("round-trips variantName", () => {
    const name = variantName("photos/2024/cat.v2.jpg", "thumb", thumb);
    expect(parseVariantName(name)).toEqual({
      original: "photos/2024/cat.v2.jpg",
      variant: "thumb",
      hash: specHash(thumb),
      extension: "webp",
    });
  });

  it.each([
    "photos/cat.jpg",
    "photos/cat.jpg.thumb.webp",
    "photos/cat.jpg.thumb-1234567.webp",
    "photos/cat.jpg.thumb-1234567G.webp",
    "photos/cat.jpg.thumb-12345678.bmp",
    ".thumb-12345678.webp",
  ])("is null for %s", (name) => {
    expect(parseVariantName(name)).toBeNull();
  });

  it("recognises variants of an original, stale specs included, and nothing else", () => {
    expect(isVariantOf("cat.jpg", "cat.jpg.thumb-00000000.webp")).toBe(true);
    expect(isVariantOf("cat.jpg", "cat.jpg.backup")).toBe(false);
    expect(isVariantOf("cat.jpg", "cat.jpg.x.thumb-00000000.webp")).toBe(false);
    expect(isVariantOf("cat.jp", "cat.jpg.thumb-00000000.webp")).toBe(false);
  });
});

describe("srcset", () => {
  it("lists candidates narrowest first, one per width, with commas and spaces encoded", () => {
    expect(
      srcset([
        { url: "/m/b.jpg", width: 960 },
        { url: "/m/a b,c.jpg", width: 480 },
        { url: "/m/dup.jpg", width: 960 },
      ]),
    ).toBe("/m/a%20b%2Cc.jpg 480w, /m/b.jpg 960w");
  });

  it("refuses a width that is not whole pixels", () => {
    expect(() => srcset([{ url: "/x.jpg", width: 0 }])).toThrow(RangeError);
  });

  it("builds one from variants before they exist, with their real widths", () => {
    const variants = {
      small: validateVariantSpec("small", { fit: [480, 480] }),
      big: validateVariantSpec("big", { fit: [1920, 1080] }),
    };
    const value = variantSrcset(
      { name: "p/cat.jpg", width: 1000, height: 2000 },
      variants,
      ["big", "small"],
      (name) => `/media/${name}`,
    );
    expect(value).toBe(
      `/media/${variantName("p/cat.jpg", "small", variants.small)} 240w, /media/${variantName("p/cat.jpg", "big", variants.big)} 540w`,
    );
    expect(() =>
      variantSrcset({ name: "x", width: 1, height: 1 }, variants, ["nope"], String),
    ).toThrow(/no image variant named "nope"/);
  });
});

describe("classifyDecodeError", () => {
  it.each([
    ["Input Buffer is empty", "E_IMAGE_EMPTY"],
    ["Input buffer contains unsupported image format", "E_IMAGE_UNSUPPORTED"],
    ["Input file contains unsupported image format", "E_IMAGE_UNSUPPORTED"],
    ["Input image exceeds pixel limit", "E_IMAGE_TOO_LARGE"],
    ["VipsJpeg: premature end of JPEG image", "E_IMAGE_CORRUPT"],
    ["Input buffer has corrupt header:", "E_IMAGE_CORRUPT"],
    ["pngload_buffer: libspng read error", "E_IMAGE_CORRUPT"],
  ])("maps %j to %s", (message, code) => {
    expect(classifyDecodeError(new Error(message), 1000)?.code).toBe(code);
  });

  it("maps libheif's memory cap (a 10-bit AVIF with alpha near the pixel limit) to E_IMAGE_TOO_LARGE", () => {
    // The message libheif gives for a 9459 x 9459 10-bit RGBA AVIF.
    const message =
      "source: bad seek to 3937\nheif: Memory allocation error: Security limit exceeded: Memory usage of 2148407476 bytes for image data exceeds the security limit of 2147483648 bytes of total memory usage (6.1000)\n";
    const error = classifyDecodeError(new Error(message), 89_478_485);
    expect(error).toMatchObject({ code: "E_IMAGE_TOO_LARGE", status: 413, rule: "decoder" });
    expect(error?.message).toBe(
      "The image needs more memory to decode than its decoder allows (2,048 MB). Resize it, or save it with 8 bits per channel, before uploading.",
    );
  });

  it("leaves errors that are not about the input alone", () => {
    expect(
      classifyDecodeError(new Error("Expected positive integer for width"), 1000),
    ).toBeUndefined();
    expect(classifyDecodeError("a string", 1000)).toBeUndefined();
  });
});
