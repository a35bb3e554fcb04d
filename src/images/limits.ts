import { ConfigError } from "../errors.js";

/**
 * Safety limits for decoding untrusted images. Every entry point of
 * `stowage/images` takes these; leave them out to get the defaults. All of
 * them are checked from the header (the largest frame, as displayed) before
 * any pixel is decoded.
 */
export interface ImageLimits {
  /**
   * Refuse inputs with more pixels than this (width x height, times the
   * frames kept for animated output). Pillow only *warns* at 89,478,485 and
   * errors at twice that; Stowage refuses at Pillow's warning level.
   * @default 89_478_485
   */
  maxInputPixels?: number;
  /**
   * Refuse inputs whose longer side is longer than this, in pixels. libvips
   * works a row at a time, so one very long side costs what the pixel count
   * does not show: a single 89,000,000 px row needs 860 MB, and 89,000,000
   * one-pixel rows take seconds of CPU each. 32,768 is twice WebP's largest
   * side and above the widest phone panoramas.
   * @default 32_768
   */
  maxInputSide?: number;
  /**
   * Refuse inputs whose longer side is more than this many times the shorter
   * (a ratio, so `100` means 100:1). A strip thinner than that is a line,
   * not a picture; long phone screenshots stay under 40:1.
   * @default 100
   */
  maxAspectRatio?: number;
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
  maxInputSide: number;
  maxAspectRatio: number;
  maxOutputDimension: number;
  allowSvg: boolean;
}

/** Pillow's `Image.MAX_IMAGE_PIXELS` (its warning threshold; it errors at 2x). */
export const DEFAULT_MAX_INPUT_PIXELS = 89_478_485;
export const DEFAULT_MAX_INPUT_SIDE = 32_768;
export const DEFAULT_MAX_ASPECT_RATIO = 100;
export const DEFAULT_MAX_OUTPUT_DIMENSION = 8192;

/** The keys of `ImageLimits`, for callers that refuse unknown option keys. */
export const IMAGE_LIMIT_KEYS: readonly (keyof ImageLimits)[] = [
  "maxInputPixels",
  "maxInputSide",
  "maxAspectRatio",
  "maxOutputDimension",
  "allowSvg",
];

/** How a bad limit is named: as an option (`Image limit "maxInputSide"`) or a config key. */
type Subject = (key: string) => string;
const asOption: Subject = (key) => `Image limit "${key}"`;
const asConfigKey: Subject = (key) => `Config key "images.${key}"`;

function positive(
  value: unknown,
  key: string,
  fallback: number,
  kind: "integer" | "ratio",
  subject: Subject,
): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (kind === "integer" ? Number.isInteger(value) && value > 0 : value >= 1);
  if (!ok) {
    const expected = kind === "integer" ? "a positive whole number" : "a number of at least 1";
    throw new ConfigError(
      `${subject(key)} must be ${expected}; found ${typeof value === "number" ? value : JSON.stringify(value)}.`,
      { key: `images.${key}` },
    );
  }
  return value as number;
}

/**
 * Fills defaults once and refuses nonsense (zero, negative, fractional
 * limits). `options.fromConfig` names a bad value by its config key
 * (`images.maxInputSide`), as `resolveConfig` reports it.
 */
export function resolveImageLimits(
  limits: ImageLimits = {},
  options: { fromConfig?: boolean } = {},
): ResolvedImageLimits {
  const subject = options.fromConfig ? asConfigKey : asOption;
  const allowSvg = limits.allowSvg ?? false;
  if (typeof allowSvg !== "boolean") {
    throw new ConfigError(
      `${subject("allowSvg")} must be true or false; found ${JSON.stringify(allowSvg)}.`,
      { key: "images.allowSvg" },
    );
  }
  return {
    maxInputPixels: positive(
      limits.maxInputPixels,
      "maxInputPixels",
      DEFAULT_MAX_INPUT_PIXELS,
      "integer",
      subject,
    ),
    maxInputSide: positive(
      limits.maxInputSide,
      "maxInputSide",
      DEFAULT_MAX_INPUT_SIDE,
      "integer",
      subject,
    ),
    maxAspectRatio: positive(
      limits.maxAspectRatio,
      "maxAspectRatio",
      DEFAULT_MAX_ASPECT_RATIO,
      "ratio",
      subject,
    ),
    maxOutputDimension: positive(
      limits.maxOutputDimension,
      "maxOutputDimension",
      DEFAULT_MAX_OUTPUT_DIMENSION,
      "integer",
      subject,
    ),
    allowSvg,
  };
}

/** Only the limit keys of `options`, which may carry other options too. */
export function pickImageLimits(options: ImageLimits): ImageLimits {
  const picked: Record<string, unknown> = {};
  for (const key of IMAGE_LIMIT_KEYS) {
    if (options[key] !== undefined) picked[key] = options[key];
  }
  return picked as ImageLimits;
}
