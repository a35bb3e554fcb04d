import {
  ImageCorruptError,
  ImageEmptyError,
  type ImageError,
  ImageTooLargeError,
  ImageUnsupportedError,
} from "./errors.js";

export const NOT_AN_IMAGE =
  "The file is not an image Stowage can read. Upload a JPEG, PNG, WebP, AVIF, GIF, TIFF or HEIF image.";

/**
 * Turns a libvips/sharp failure about the *input* into a typed image error.
 * Anything that does not look like an input problem (a programming error such
 * as a bad resize argument) is returned as `undefined` so it is rethrown as is.
 */
export function classifyDecodeError(
  error: unknown,
  maxInputPixels: number,
): ImageError | undefined {
  if (!(error instanceof Error)) return undefined;
  const message = error.message;
  if (/buffer is empty|file is empty/i.test(message)) return new ImageEmptyError({ cause: error });
  if (/unsupported image format/i.test(message)) {
    return new ImageUnsupportedError(NOT_AN_IMAGE, { cause: error });
  }
  if (/exceeds pixel limit/i.test(message)) {
    return new ImageTooLargeError({ limit: maxInputPixels }, { cause: error });
  }
  // libheif's own cap on the memory one AVIF/HEIF decode may take (2 GiB).
  const security = /security limit of (\d+) bytes/i.exec(message);
  if (security !== null || /security limit exceeded/i.test(message)) {
    const limit = security === null ? 0 : Number(security[1]);
    return new ImageTooLargeError({ limit, rule: "decoder" }, { cause: error });
  }
  if (
    /corrupt|premature|truncat|unexpected end|invalid|bad |load|read error|not a|vips|decode|header/i.test(
      message,
    )
  ) {
    return new ImageCorruptError(firstLine(message), { cause: error });
  }
  return undefined;
}

function firstLine(message: string): string {
  const line = message.split("\n").find((part) => part.trim() !== "") ?? message;
  return line.trim().replace(/:$/, "").slice(0, 200);
}

/** Rethrows `error` as a typed image error when it is about the input. */
export function rethrowDecodeError(error: unknown, maxInputPixels: number): never {
  throw classifyDecodeError(error, maxInputPixels) ?? error;
}
