import { open, stat } from "node:fs/promises";
import type { Metadata } from "sharp";
import { rethrowDecodeError } from "./decode-errors.js";
import {
  ImageEmptyError,
  ImageError,
  ImageTooLargeError,
  ImageUnsupportedError,
} from "./errors.js";
import { gifFrames, type ReadAt } from "./gif-frames.js";
import { type ImageLimits, type ResolvedImageLimits, resolveImageLimits } from "./limits.js";
import { loadSharp } from "./sharp.js";

// Upload validators reach `stowage/images` through this module only.
export type { ImageLimits } from "./limits.js";

/** An image's format and its dimensions as displayed. */
export interface ImageSize {
  /**
   * Decoder name: `jpeg`, `png`, `webp`, `gif`, `avif`, `heic`, `tiff`,
   * `svg`, ... (a HEIF container is named by its codec: `avif` or `heic`).
   */
  format: string;
  /** Width as displayed, in pixels: EXIF orientation applied, the largest frame of an animation. */
  width: number;
  /** Height as displayed, in pixels: EXIF orientation applied, the largest frame of an animation. */
  height: number;
}

/** What an image's header says, read without decoding any pixel. */
export interface ImageProbe extends ImageSize {
  /** EXIF orientation (1-8); 1 when absent. */
  orientation: number;
  /** Frames of an animated GIF/WebP (or pages of a TIFF); 1 for a still image. */
  frames: number;
  hasAlpha: boolean;
  /** An ICC profile is embedded. */
  hasProfile: boolean;
  /** Colour space, e.g. `srgb`, `cmyk`, `b-w`. */
  space: string;
  /** Bits per sample where the format says (8 or 16 for PNG). */
  bitsPerSample: number | undefined;
}

/** Random access to the input, for the header walks sharp does not do. */
async function withReader<T>(
  input: Uint8Array | string,
  use: (read: ReadAt) => Promise<T>,
): Promise<T> {
  if (typeof input !== "string") {
    return use(async (offset, length) => input.subarray(offset, offset + length));
  }
  const handle = await open(input, "r");
  try {
    return await use(async (offset, length) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    });
  } finally {
    await handle.close();
  }
}

function formatName(meta: Metadata): string {
  if (meta.format !== "heif") return meta.format;
  return meta.compression === "av1" ? "avif" : "heic";
}

/**
 * The one reader of image dimensions: upload validators, limits and the
 * renderer all ask it, so they cannot disagree. Format and size come from
 * the header alone (sharp's `metadata()`; for a GIF also a walk over its
 * frame descriptors): no pixel is decoded, so this is safe on a
 * decompression bomb. Sizes are as displayed: a photo stored 400 x 100 with
 * EXIF orientation 6 is 100 x 400, and a GIF is as large as its largest
 * frame, whatever its logical screen claims. It does not apply limits (see
 * `assertImageAllowed`). Accepts the bytes or a file path.
 * Throws `E_IMAGE_EMPTY`, `E_IMAGE_UNSUPPORTED` or `E_IMAGE_CORRUPT`.
 */
export async function probeImage(input: Uint8Array | string): Promise<ImageProbe> {
  const size = typeof input === "string" ? (await stat(input)).size : input.byteLength;
  if (size === 0) throw new ImageEmptyError();
  let meta: Metadata;
  try {
    const sharp = await loadSharp();
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    rethrowDecodeError(error, 0);
  }
  let { width, height } = meta.autoOrient;
  if (meta.format === "gif") {
    const walked = await withReader(input, gifFrames);
    if (walked !== undefined) {
      width = Math.max(width, walked.extent.width);
      height = Math.max(height, walked.extent.height);
    }
  }
  return {
    format: formatName(meta),
    width,
    height,
    orientation: meta.orientation ?? 1,
    frames: meta.pages ?? 1,
    hasAlpha: meta.hasAlpha,
    hasProfile: meta.hasProfile,
    space: meta.space,
    bitsPerSample: meta.bitsPerSample,
  };
}

/**
 * `probeImage` for callers that only want the size: `{ format, width,
 * height }`, or `undefined` when the bytes are not an image Stowage can read
 * (empty, damaged, or not an image at all).
 */
export async function probeImageSize(input: Uint8Array | string): Promise<ImageSize | undefined> {
  try {
    const { format, width, height } = await probeImage(input);
    return { format, width, height };
  } catch (error) {
    if (error instanceof ImageError) return undefined;
    throw error;
  }
}

/**
 * A check of sizes against `limits`, resolved (and refused when nonsense)
 * once, here: the function returns the error for the limit a size breaks,
 * or `undefined`.
 */
export function imageLimitCheck(
  limits?: ImageLimits,
): (size: { width: number; height: number }, frames?: number) => ImageTooLargeError | undefined {
  const resolved = resolveImageLimits(limits);
  return (size, frames) => imageLimitError(size, resolved, frames);
}

/**
 * The limit a size breaks, or `undefined` when it is within all of them:
 * the longest side, the aspect ratio, then the pixels (times `frames` when
 * every frame is to be decoded).
 */
function imageLimitError(
  size: { width: number; height: number },
  limits: ResolvedImageLimits,
  frames = 1,
): ImageTooLargeError | undefined {
  const { width, height } = size;
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (long > limits.maxInputSide) {
    return new ImageTooLargeError({ width, height, limit: limits.maxInputSide, rule: "side" });
  }
  if (long > short * limits.maxAspectRatio) {
    return new ImageTooLargeError({ width, height, limit: limits.maxAspectRatio, rule: "aspect" });
  }
  if (width * height * frames > limits.maxInputPixels) {
    return new ImageTooLargeError({ width, height, frames, limit: limits.maxInputPixels });
  }
  return undefined;
}

/**
 * Refuses what the limits forbid, from a probe: SVG unless allowed, a side
 * longer than `maxInputSide`, a shape beyond `maxAspectRatio`, and more
 * pixels than `maxInputPixels` (counting every frame when `frames` are kept).
 */
export function assertImageAllowed(
  probe: ImageProbe,
  limits?: ImageLimits,
  options: { keepFrames?: boolean } = {},
): void {
  const resolved = resolveImageLimits(limits);
  if (probe.format === "svg" && !resolved.allowSvg) {
    throw new ImageUnsupportedError(
      "SVG images are refused: they can carry scripts and external references. Upload a PNG or JPEG, or set allowSvg if these SVGs are trusted.",
    );
  }
  const error = imageLimitError(probe, resolved, options.keepFrames ? probe.frames : 1);
  if (error !== undefined) throw error;
}
