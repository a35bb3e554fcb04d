import { ConfigError } from "../errors.js";

/**
 * Safety limits for decoding untrusted images. Every entry point of
 * `stowage/images` takes these; leave them out to get the defaults.
 */
export interface ImageLimits {
  /**
   * Refuse inputs with more pixels than this (width x height, times the
   * frames kept for animated output), checked from the header before any
   * pixel is decoded. Pillow only *warns* at 89,478,485 and errors at twice
   * that; Stowage refuses at Pillow's warning level, so a 4-byte-per-pixel
   * decode stays under ~360 MB.
   * @default 89_478_485
   */
  maxInputPixels?: number;
  /**
   * Longest side of any output image, in pixels. Variant boxes above it are a
   * configuration error; format-only variants of bigger images are shrunk to
   * fit inside it (WebP cannot exceed 16,383 px and 8K screens need 7,680).
   * @default 8192
   */
  maxOutputDimension?: number;
  /**
   * Accept SVG input (rasterised by librsvg). Off by default: SVG is a
   * document format that can carry scripts and external references, and a
   * tiny file can ask for a huge canvas.
   * @default false
   */
  allowSvg?: boolean;
}

export interface ResolvedImageLimits {
  maxInputPixels: number;
  maxOutputDimension: number;
  allowSvg: boolean;
}

/** Pillow's `Image.MAX_IMAGE_PIXELS` (its warning threshold; it errors at 2x). */
export const DEFAULT_MAX_INPUT_PIXELS = 89_478_485;
export const DEFAULT_MAX_OUTPUT_DIMENSION = 8192;

function positiveInteger(value: unknown, key: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(
      `Image limit "${key}" must be a positive whole number; found ${JSON.stringify(value)}.`,
      { key: `images.${key}` },
    );
  }
  return value;
}

/** Fills defaults once and refuses nonsense (zero, negative, fractional limits). */
export function resolveImageLimits(limits: ImageLimits = {}): ResolvedImageLimits {
  const allowSvg = limits.allowSvg ?? false;
  if (typeof allowSvg !== "boolean") {
    throw new ConfigError(
      `Image limit "allowSvg" must be true or false; found ${JSON.stringify(allowSvg)}.`,
      { key: "images.allowSvg" },
    );
  }
  return {
    maxInputPixels: positiveInteger(
      limits.maxInputPixels,
      "maxInputPixels",
      DEFAULT_MAX_INPUT_PIXELS,
    ),
    maxOutputDimension: positiveInteger(
      limits.maxOutputDimension,
      "maxOutputDimension",
      DEFAULT_MAX_OUTPUT_DIMENSION,
    ),
    allowSvg,
  };
}
