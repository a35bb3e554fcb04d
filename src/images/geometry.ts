import type { VariantSpec } from "./spec.js";

/** Pixel dimensions, as displayed (after EXIF orientation). */
export interface Size {
  width: number;
  height: number;
}

/**
 * What one variant needs: its final size, and the scale at which the source
 * must be decoded so the variant can be cut from it without upsampling.
 */
export interface VariantPlan {
  output: Size;
  /** Source scale factor (output pixels per input pixel) this variant needs. */
  scale: number;
}

/** Cover box, shrunk keeping its aspect ratio until it fits inside the input unless enlarging is allowed. */
function coverBox(input: Size, spec: VariantSpec, maxSide: number): Size {
  const [boxWidth, boxHeight] = spec.cover!;
  const fitsCap = Math.min(1, maxSide / Math.max(boxWidth, boxHeight));
  const shrink = spec.enlarge
    ? fitsCap
    : Math.min(fitsCap, input.width / boxWidth, input.height / boxHeight);
  return {
    width: Math.max(1, Math.round(boxWidth * shrink)),
    height: Math.max(1, Math.round(boxHeight * shrink)),
  };
}

/**
 * Final size and needed source scale for one variant. Pure, so page helpers
 * can print `width`/`height` for a variant that has not been made yet, and the
 * renderer uses the very same numbers.
 */
export function planVariant(
  input: Size,
  spec: VariantSpec,
  maxOutputDimension: number,
): VariantPlan {
  if (spec.cover !== undefined) {
    const output = coverBox(input, spec, maxOutputDimension);
    const scale = Math.max(output.width / input.width, output.height / input.height);
    return { output, scale };
  }
  const [boxWidth, boxHeight] = spec.fit ?? [maxOutputDimension, maxOutputDimension];
  let scale = Math.min(boxWidth / input.width, boxHeight / input.height);
  if (!spec.enlarge || spec.fit === undefined) scale = Math.min(scale, 1);
  scale = Math.min(scale, maxOutputDimension / input.width, maxOutputDimension / input.height);
  const output = {
    width: Math.max(1, Math.round(input.width * scale)),
    height: Math.max(1, Math.round(input.height * scale)),
  };
  return { output, scale };
}

/** The final size of a variant of an image of `input` size. */
export function variantSize(input: Size, spec: VariantSpec, maxOutputDimension = 8192): Size {
  return planVariant(input, spec, maxOutputDimension).output;
}

/**
 * The one size to decode the source at so every planned variant can be cut
 * from it: the largest scale any variant needs, never above the source's own
 * size (a variant that enlarges is scaled up from the source pixels; an
 * enlarged intermediate of a thin strip covering a big box would be billions
 * of pixels). When that variant is a `fit`, its exact output size is used so
 * it needs no second resample.
 */
export function intermediateSize(input: Size, plans: readonly VariantPlan[]): Size {
  let best: VariantPlan | undefined;
  for (const plan of plans) if (best === undefined || plan.scale > best.scale) best = plan;
  if (best === undefined || best.scale >= 1) return { width: input.width, height: input.height };
  const width = Math.max(1, Math.round(input.width * best.scale));
  const height = Math.max(1, Math.round(input.height * best.scale));
  // A cover plan must never be left a pixel short of its box by rounding.
  return {
    width: Math.min(input.width, Math.max(width, best.output.width)),
    height: Math.min(input.height, Math.max(height, best.output.height)),
  };
}
