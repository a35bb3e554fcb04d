import { stat } from "node:fs/promises";
import type { Metadata } from "sharp";
import { rethrowDecodeError } from "./decode-errors.js";
import { ImageEmptyError, ImageTooLargeError, ImageUnsupportedError } from "./errors.js";
import { type ImageLimits, resolveImageLimits } from "./limits.js";
import { loadSharp } from "./sharp.js";

/** What an image's header says, read without decoding any pixel. */
export interface ImageProbe {
  /** Decoder name: `jpeg`, `png`, `webp`, `gif`, `avif` (as `heif`), `tiff`, `svg`, ... */
  format: string;
  /** Width as displayed, after EXIF orientation, in pixels. */
  width: number;
  /** Height as displayed, after EXIF orientation, in pixels. */
  height: number;
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

/**
 * Reads format and dimensions from the header alone: no pixel is decoded, so
 * this is safe on a decompression bomb and is what upload validators use to
 * refuse one before any work is done. It does not apply limits (see
 * `assertImageAllowed`). Accepts the bytes (a prefix holding the header is
 * enough for PNG, GIF and WebP) or a file path.
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
  return {
    format: meta.format,
    width: meta.autoOrient.width,
    height: meta.autoOrient.height,
    orientation: meta.orientation ?? 1,
    frames: meta.pages ?? 1,
    hasAlpha: meta.hasAlpha,
    hasProfile: meta.hasProfile,
    space: meta.space,
    bitsPerSample: meta.bitsPerSample,
  };
}

/**
 * Refuses what the limits forbid, from a probe: SVG unless allowed, and more
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
  const frames = options.keepFrames ? probe.frames : 1;
  if (probe.width * probe.height * frames > resolved.maxInputPixels) {
    throw new ImageTooLargeError({
      width: probe.width,
      height: probe.height,
      frames,
      limit: resolved.maxInputPixels,
    });
  }
}
