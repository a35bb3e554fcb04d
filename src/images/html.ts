import { UnknownVariantError } from "./errors.js";
import { type Size, variantSize } from "./geometry.js";
import { type ImageLimits, resolveImageLimits } from "./limits.js";
import { variantName } from "./naming.js";
import type { VariantSpec } from "./spec.js";

/** One image candidate for `srcset`: where it is and how wide it is, in pixels. */
export interface SrcsetCandidate {
  url: string;
  width: number;
}

/**
 * A `srcset` attribute value (`a.jpg 480w, b.jpg 960w`), narrowest first, one
 * candidate per width. Spaces and commas in URLs are percent-encoded because
 * they would split the list.
 */
export function srcset(candidates: Iterable<SrcsetCandidate>): string {
  const byWidth = new Map<number, string>();
  for (const { url, width } of candidates) {
    if (!Number.isInteger(width) || width <= 0) {
      throw new RangeError(`srcset widths must be whole pixels above 0; got ${width} for ${url}.`);
    }
    if (!byWidth.has(width)) byWidth.set(width, url.replace(/ /g, "%20").replace(/,/g, "%2C"));
  }
  return [...byWidth]
    .sort(([a], [b]) => a - b)
    .map(([width, url]) => `${url} ${width}w`)
    .join(", ");
}

/**
 * `width` and `height` attributes, so the browser reserves the box before the
 * image arrives (no layout shift). Give the original's size, or a variant's.
 */
export function sizeAttributes(size: Size): { width: number; height: number } {
  return { width: size.width, height: size.height };
}

/**
 * `srcset` over named variants of one original, computed from the original's
 * size alone, so it works before lazy variants exist. `url(name)` maps a
 * variant's storage name to its public URL (e.g. `storage.url`).
 */
export function variantSrcset(
  original: { name: string } & Size,
  variants: Record<string, VariantSpec>,
  names: readonly string[],
  url: (name: string) => string,
  limits?: ImageLimits,
): string {
  const { maxOutputDimension } = resolveImageLimits(limits);
  return srcset(
    names.map((variant) => {
      const spec = variants[variant];
      if (spec === undefined) throw new UnknownVariantError(variant, Object.keys(variants));
      return {
        url: url(variantName(original.name, variant, spec)),
        width: variantSize(original, spec, maxOutputDimension).width,
      };
    }),
  );
}
