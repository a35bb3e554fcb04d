/**
 * `stowage/images`: resize, crop and convert images with sharp (libvips),
 * safe against decompression bombs and damaged files, with named variants
 * stored beside their originals.
 *
 *   const images = imageOptionsFromConfig(config);
 *   const made = await makeVariants(storage, "photos/cat.jpg", images.variants, {
 *     ...images.limits,
 *     placeholder: true,
 *   });
 *   await deleteWithVariants(storage, "photos/cat.jpg");
 */
export { type ImageOptions, imageOptionsFromConfig } from "./config.js";
export {
  type DecodeActivity,
  decodeActivity,
  setMaxConcurrentDecodes,
  withDecodeSlot,
} from "./decode-slots.js";
export {
  ImageCorruptError,
  ImageEmptyError,
  ImageError,
  type ImageLimitRule,
  ImageTooLargeError,
  ImageUnsupportedError,
  UnknownVariantError,
  VariantOfVariantError,
} from "./errors.js";
export { CONTENT_TYPES, EXTENSIONS, formatFromName, variantFormat } from "./formats.js";
export { type Size, variantSize } from "./geometry.js";
export { type SrcsetCandidate, sizeAttributes, srcset, variantSrcset } from "./html.js";
export {
  DEFAULT_MAX_ASPECT_RATIO,
  DEFAULT_MAX_INPUT_PIXELS,
  DEFAULT_MAX_INPUT_SIDE,
  DEFAULT_MAX_OUTPUT_DIMENSION,
  type ImageLimits,
  type ResolvedImageLimits,
  resolveImageLimits,
} from "./limits.js";
export {
  isVariantOf,
  originalOf,
  type ParsedVariantName,
  parseVariantName,
  variantName,
} from "./naming.js";
export { placeholderDataUrl } from "./placeholder.js";
export { assertImageAllowed, type ImageProbe, type ImageSize, probeImage } from "./probe.js";
export {
  type RenderedImage,
  type RenderOptions,
  type RenderRequest,
  type RenderResult,
  renderImages,
} from "./render.js";
export {
  type Box,
  type CropPosition,
  defineVariants,
  type OutputFormat,
  specHash,
  type VariantSpec,
  validateVariantSpec,
} from "./spec.js";
export { defaultFormat, transformImage } from "./transform.js";
export {
  deleteWithVariants,
  type MadeVariants,
  type MakeVariantsOptions,
  makeVariants,
  renderVariant,
  type StoredVariant,
} from "./variants.js";
