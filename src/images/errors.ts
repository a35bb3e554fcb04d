import { StowageError } from "../errors.js";

/**
 * Errors about the image itself (as opposed to configuration). Each carries a
 * stable `code`; the HTTP status is what an upload handler should answer.
 */
export class ImageError extends StowageError {}

/** The input has no bytes at all. */
export class ImageEmptyError extends ImageError {
  constructor(options?: { cause?: unknown }) {
    super("E_IMAGE_EMPTY", "The image is empty (0 bytes). Choose the file again and retry.", {
      ...options,
      status: 400,
    });
  }
}

/** Truncated, corrupt or otherwise undecodable pixel data or header. */
export class ImageCorruptError extends ImageError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      "E_IMAGE_CORRUPT",
      `The image is damaged and cannot be read (${detail}). Re-export or re-upload the original file.`,
      { ...options, status: 422 },
    );
  }
}

/** Not an image, or a format Stowage refuses (SVG unless allowed). */
export class ImageUnsupportedError extends ImageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("E_IMAGE_UNSUPPORTED", message, { ...options, status: 415 });
  }
}

/**
 * Which input limit an image broke: `maxInputPixels`, `maxInputSide`,
 * `maxAspectRatio`, or the decoder's own memory cap (libheif refuses an
 * AVIF/HEIF decode of more than 2 GiB, which a 10-bit image with alpha
 * reaches just under the default pixel limit).
 */
export type ImageLimitRule = "pixels" | "side" | "aspect" | "decoder";

/**
 * An input over one of the limits (`maxInputPixels`, `maxInputSide`,
 * `maxAspectRatio`): a decompression bomb, a pathological shape, or just too big.
 */
export class ImageTooLargeError extends ImageError {
  readonly width: number | undefined;
  readonly height: number | undefined;
  /** The limit broken: pixels, a side in pixels, a ratio as `n` for n:1, or the decoder's cap in bytes. */
  readonly limit: number;
  readonly rule: ImageLimitRule;

  constructor(
    details: {
      width?: number;
      height?: number;
      frames?: number;
      limit: number;
      rule?: ImageLimitRule;
    },
    options?: { cause?: unknown },
  ) {
    const { width, height, frames = 1, limit, rule = "pixels" } = details;
    super("E_IMAGE_TOO_LARGE", tooLargeMessage(width, height, frames, limit, rule), {
      ...options,
      status: 413,
    });
    this.width = width;
    this.height = height;
    this.limit = limit;
    this.rule = rule;
  }
}

function tooLargeMessage(
  width: number | undefined,
  height: number | undefined,
  frames: number,
  limit: number,
  rule: ImageLimitRule,
): string {
  if (rule === "decoder") {
    const cap = limit > 0 ? ` (${megabytes(limit)})` : "";
    return `The image needs more memory to decode than its decoder allows${cap}. Resize it, or save it with 8 bits per channel, before uploading.`;
  }
  if (width === undefined || height === undefined) {
    return `The image is larger than the limit of ${megapixels(limit)} megapixels. Resize it before uploading.`;
  }
  const size = `${width} x ${height} pixels`;
  if (rule === "side") {
    return `The image is ${size}; neither side may be longer than ${limit.toLocaleString("en-US")} pixels. Resize it before uploading.`;
  }
  if (rule === "aspect") {
    const ratio = Math.max(width, height) / Math.max(1, Math.min(width, height));
    return `The image is ${size}, a shape of ${ratioText(ratio)}:1; the limit is ${ratioText(limit)}:1. Crop it to a less extreme shape before uploading.`;
  }
  const counted = frames > 1 ? `${size} x ${frames} frames` : size;
  return `The image is ${counted} (${megapixels(width * height * frames)} megapixels); the limit is ${megapixels(limit)} megapixels. Resize it before uploading.`;
}

/**
 * A variant's name was given where an original is needed: variants are never
 * made of variants (that would let anonymous requests grow chains without end).
 */
export class VariantOfVariantError extends StowageError {
  readonly original: string;

  constructor(name: string, original: string, options?: { cause?: unknown }) {
    super(
      "E_VARIANT_OF_VARIANT",
      `${JSON.stringify(name)} is a variant of ${JSON.stringify(original)}, not an original: variants are only made of originals.`,
      { ...options, status: 400 },
    );
    this.original = original;
  }
}

/** A request named a variant that is not declared in `images.variants`. */
export class UnknownVariantError extends StowageError {
  constructor(name: string, known: readonly string[], options?: { cause?: unknown }) {
    const list = known.length > 0 ? known.map((k) => JSON.stringify(k)).join(", ") : "none";
    super(
      "E_UNKNOWN_VARIANT",
      `There is no image variant named ${JSON.stringify(name)}. Declared variants: ${list}.`,
      { ...options, status: 404 },
    );
  }
}

function megapixels(pixels: number): string {
  return (pixels / 1_000_000).toLocaleString("en-US", { maximumFractionDigits: 1 });
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20).toLocaleString("en-US")} MB`;
}

function ratioText(ratio: number): string {
  return ratio.toLocaleString("en-US", { maximumFractionDigits: 1 });
}
