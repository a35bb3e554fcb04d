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

/** More pixels than the input limit allows (a decompression bomb, or just too big). */
export class ImageTooLargeError extends ImageError {
  readonly width: number | undefined;
  readonly height: number | undefined;
  readonly limit: number;

  constructor(
    details: { width?: number; height?: number; frames?: number; limit: number },
    options?: { cause?: unknown },
  ) {
    const { width, height, frames = 1, limit } = details;
    const size =
      width !== undefined && height !== undefined
        ? `${width} x ${height} pixels${frames > 1 ? ` x ${frames} frames` : ""} (${megapixels(width * height * frames)} megapixels)`
        : "larger than the limit";
    super(
      "E_IMAGE_TOO_LARGE",
      `The image is ${size}; the limit is ${megapixels(limit)} megapixels. Resize it before uploading.`,
      { ...options, status: 413 },
    );
    this.width = width;
    this.height = height;
    this.limit = limit;
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
