import type { ResolvedConfig } from "../config/types.js";
import { type ResolvedImageLimits, resolveImageLimits } from "./limits.js";
import { defineVariants, type VariantSpec } from "./spec.js";

/** What `images` in the config file means to the code, validated once. */
export interface ImageOptions {
  /** `images.variants`, each spec validated and normalised. */
  variants: Readonly<Record<string, Readonly<VariantSpec>>>;
  /** `images.maxInputPixels`, `maxInputSide`, `maxAspectRatio`, defaults filled. */
  limits: ResolvedImageLimits;
}

/**
 * The config's `images` block as options for the code that uses it, so the
 * keys a user writes are the ones in force everywhere:
 *
 *   const images = imageOptionsFromConfig(config);
 *   await makeVariants(media, name, images.variants, images.limits);
 *   createVariantHandler({ storage: media, variants: images.variants, limits: images.limits });
 *   imageDimensions({ maxWidth: 4000, limits: images.limits });
 */
export function imageOptionsFromConfig(config: Pick<ResolvedConfig, "images">): ImageOptions {
  const { variants, ...keys } = config.images;
  const limits = resolveImageLimits(keys);
  return { variants: defineVariants(variants, limits), limits };
}
