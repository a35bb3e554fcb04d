import type { OutputFormat, VariantSpec } from "./spec.js";

/** File extension written for each output format. */
export const EXTENSIONS: Readonly<Record<OutputFormat, string>> = {
  jpeg: "jpg",
  webp: "webp",
  avif: "avif",
  png: "png",
  gif: "gif",
};

export const CONTENT_TYPES: Readonly<Record<OutputFormat, string>> = {
  jpeg: "image/jpeg",
  webp: "image/webp",
  avif: "image/avif",
  png: "image/png",
  gif: "image/gif",
};

const BY_EXTENSION: Readonly<Record<string, OutputFormat>> = {
  jpg: "jpeg",
  jpeg: "jpeg",
  jpe: "jpeg",
  webp: "webp",
  avif: "avif",
  png: "png",
  gif: "gif",
};

/** The web format a file name's extension stands for, if any. */
export function formatFromName(name: string): OutputFormat | undefined {
  const dot = name.lastIndexOf(".");
  if (dot < 0 || dot < name.lastIndexOf("/")) return undefined;
  return BY_EXTENSION[name.slice(dot + 1).toLowerCase()];
}

/**
 * The format a variant is written in. Decided from the spec and the
 * original's *name* (not its bytes) so the variant's name is known before the
 * original is read; non-web originals (TIFF, HEIC, ...) become JPEG.
 */
export function variantFormat(spec: VariantSpec, originalName: string): OutputFormat {
  return spec.format ?? formatFromName(originalName) ?? "jpeg";
}

/** Formats that can carry more than one frame. */
export function canAnimate(format: OutputFormat): boolean {
  return format === "gif" || format === "webp";
}

/** Formats that keep an alpha channel (everything but JPEG). */
export function hasAlphaChannel(format: OutputFormat): boolean {
  return format !== "jpeg";
}
