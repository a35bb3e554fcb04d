import { createHash } from "node:crypto";
import { ConfigError } from "../errors.js";
import { type ImageLimits, resolveImageLimits } from "./limits.js";

/** Output encodings Stowage writes. */
export type OutputFormat = "jpeg" | "webp" | "avif" | "png" | "gif";

/** `[width, height]` in pixels. */
export type Box = readonly [width: number, height: number];

/** Where a cover crop keeps the picture: the middle, or what libvips finds interesting. */
export type CropPosition = "centre" | "attention" | "entropy";

/**
 * One named variant, as written in `images.variants`. Give at most one of
 * `fit` and `cover`; with neither, the variant only converts the format.
 */
export interface VariantSpec {
  /** Shrink to fit inside this box, keeping the aspect ratio. */
  fit?: Box;
  /** Fill this box exactly, cropping what overflows. */
  cover?: Box;
  /** What a `cover` crop keeps. @default "centre" */
  position?: CropPosition;
  /** Allow the output to be bigger than the input. @default false */
  enlarge?: boolean;
  /** Output format. @default the original's format (from its name), JPEG when that is not a web format */
  format?: OutputFormat;
  /** Encoder quality, 1-100. @default the encoder's (JPEG/WebP 80, AVIF 50) */
  quality?: number;
  /** Colour transparency is flattened onto for formats without alpha (JPEG). @default "#ffffff" */
  background?: string;
  /** Keep every frame of an animated GIF/WebP when the output format animates (GIF, WebP); otherwise the first frame. @default false */
  animated?: boolean;
  /** Keep EXIF/XMP/IPTC metadata. The ICC profile is always honoured. @default false */
  keepMetadata?: boolean;
}

const FORMATS: readonly OutputFormat[] = ["jpeg", "webp", "avif", "png", "gif"];
const POSITIONS: readonly string[] = ["centre", "center", "attention", "entropy"];
const KEYS = new Set([
  "fit",
  "cover",
  "position",
  "enlarge",
  "format",
  "quality",
  "background",
  "animated",
  "keepMetadata",
]);
const VARIANT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

function fail(variant: string, key: string, expected: string, found: unknown): never {
  throw new ConfigError(
    `Image variant "${variant}": "${key}" must be ${expected}; found ${JSON.stringify(found)}.`,
    { key: `images.variants.${variant}.${key}` },
  );
}

function box(variant: string, key: string, value: unknown, maxSide: number): Box {
  const ok =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((side) => Number.isInteger(side) && side > 0);
  if (!ok) fail(variant, key, "[width, height] in whole pixels above 0", value);
  const [width, height] = value as [number, number];
  if (width > maxSide || height > maxSide) {
    fail(variant, key, `at most ${maxSide} px on each side (maxOutputDimension)`, value);
  }
  return [width, height];
}

/**
 * Checks one variant and returns it normalised (defaults filled, `center`
 * spelled `centre`), so two spellings of the same variant hash the same.
 */
export function validateVariantSpec(
  variant: string,
  raw: unknown,
  limits?: ImageLimits,
): Readonly<VariantSpec> {
  if (!VARIANT_NAME.test(variant)) {
    throw new ConfigError(
      `Image variant name ${JSON.stringify(variant)} must be 1-32 letters, digits, "_" or "-", starting with a letter or digit.`,
      { key: `images.variants.${variant}` },
    );
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    fail(variant, "(spec)", "an object such as { fit: [1920, 1080] }", raw);
  }
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!KEYS.has(key)) {
      fail(variant, key, `one of the known keys (${[...KEYS].join(", ")})`, key);
    }
  }
  const { maxOutputDimension } = resolveImageLimits(limits);
  if (input.fit !== undefined && input.cover !== undefined) {
    fail(variant, "cover", "absent when fit is given (choose one)", input.cover);
  }
  const spec: VariantSpec = {};
  if (input.fit !== undefined) spec.fit = box(variant, "fit", input.fit, maxOutputDimension);
  if (input.cover !== undefined) {
    spec.cover = box(variant, "cover", input.cover, maxOutputDimension);
  }
  if (input.position !== undefined) {
    if (spec.cover === undefined) fail(variant, "position", "used with cover only", input.position);
    if (typeof input.position !== "string" || !POSITIONS.includes(input.position)) {
      fail(variant, "position", '"centre", "attention" or "entropy"', input.position);
    }
  }
  if (spec.cover !== undefined) {
    spec.position = input.position === "center" ? "centre" : (input.position as CropPosition);
    spec.position ??= "centre";
  }
  for (const key of ["enlarge", "animated", "keepMetadata"] as const) {
    const value = input[key] ?? false;
    if (typeof value !== "boolean") fail(variant, key, "true or false", value);
    spec[key] = value;
  }
  if (input.format !== undefined) {
    if (!FORMATS.includes(input.format as OutputFormat)) {
      fail(variant, "format", `one of ${FORMATS.join(", ")}`, input.format);
    }
    spec.format = input.format as OutputFormat;
  }
  if (input.quality !== undefined) {
    const quality = input.quality;
    if (typeof quality !== "number" || !Number.isInteger(quality) || quality < 1 || quality > 100) {
      fail(variant, "quality", "a whole number from 1 to 100", quality);
    }
    spec.quality = quality;
  }
  const background = input.background ?? "#ffffff";
  if (typeof background !== "string" || !HEX_COLOUR.test(background)) {
    fail(variant, "background", 'a hex colour such as "#ffffff"', background);
  }
  spec.background = background.toLowerCase();
  return Object.freeze(spec);
}

/** Validates every variant of `images.variants`, naming the variant and key on error. */
export function defineVariants(
  raw: Record<string, unknown> | undefined,
  limits?: ImageLimits,
): Readonly<Record<string, Readonly<VariantSpec>>> {
  if (raw === undefined) return Object.freeze({});
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError(
      `"images.variants" must be an object of named variants; found ${JSON.stringify(raw)}.`,
      { key: "images.variants" },
    );
  }
  const out: Record<string, Readonly<VariantSpec>> = {};
  for (const [name, spec] of Object.entries(raw)) {
    out[name] = validateVariantSpec(name, spec, limits);
  }
  return Object.freeze(out);
}

/**
 * Eight hex digits over the normalised spec: part of every variant's name, so
 * changing a variant's spec gives it new names and stale caches never match.
 */
function canonicalPosition(position: string | undefined): string {
  return position === undefined || position === "center" ? "centre" : position;
}

export function specHash(spec: VariantSpec): string {
  const canonical = [
    spec.fit ?? null,
    spec.cover ?? null,
    // A raw config spec and its validated form must name the same variant.
    spec.cover === undefined ? null : canonicalPosition(spec.position),
    spec.enlarge ?? false,
    spec.format ?? null,
    spec.quality ?? null,
    (spec.background ?? "#ffffff").toLowerCase(),
    spec.animated ?? false,
    spec.keepMetadata ?? false,
  ];
  return createHash("sha256").update(JSON.stringify(canonical)).digest("hex").slice(0, 8);
}
