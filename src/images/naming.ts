import { EXTENSIONS, variantFormat } from "./formats.js";
import { specHash, type VariantSpec } from "./spec.js";

/**
 * Variants live beside their original as `<original>.<variant>-<hash>.<ext>`:
 * `photos/cat.jpg` + `thumb` -> `photos/cat.jpg.thumb-1a2b3c4d.webp`.
 *
 * The original's full name (extension included) is kept so `cat.jpg` and
 * `cat.png` never share a variant; the 8-hex spec hash changes when the
 * variant's spec does, so a URL always names one exact rendering and can be
 * cached forever.
 */
const VARIANT_SUFFIX =
  /^(.+)\.([A-Za-z0-9][A-Za-z0-9_-]{0,31})-([0-9a-f]{8})\.(jpg|webp|avif|png|gif)$/;

export interface ParsedVariantName {
  original: string;
  variant: string;
  hash: string;
  extension: string;
}

/** The stored name of `variant` of `original`. */
export function variantName(original: string, variant: string, spec: VariantSpec): string {
  const extension = EXTENSIONS[variantFormat(spec, original)];
  return `${original}.${variant}-${specHash(spec)}.${extension}`;
}

/** Splits a variant's name into its parts; `null` when it is not shaped like one. */
export function parseVariantName(name: string): ParsedVariantName | null {
  const match = VARIANT_SUFFIX.exec(name);
  if (match === null) return null;
  const [, original, variant, hash, extension] = match;
  return { original, variant, hash, extension };
}

/**
 * The original a name stands for: the name itself for an original, and for
 * a variant the name left when every variant suffix is taken off (chains
 * such as `a.jpg.thumb-1a2b3c4d.webp.thumb-5e6f7a8b.webp`, which older
 * versions let requests create, lead back to `a.jpg` too).
 */
export function originalOf(name: string): string {
  let current = name;
  for (let parsed = parseVariantName(current); parsed !== null; ) {
    current = parsed.original;
    parsed = parseVariantName(current);
  }
  return current;
}

/**
 * True when `candidate` is a variant of `original` (of any spec, current or
 * stale), or a variant of one of its variants.
 */
export function isVariantOf(original: string, candidate: string): boolean {
  for (let parsed = parseVariantName(candidate); parsed !== null; ) {
    if (parsed.original === original) return true;
    parsed = parseVariantName(parsed.original);
  }
  return false;
}
