import { refuseUnknownKeys } from "../option-keys.js";
import { IMAGE_LIMIT_KEYS, type ImageLimits } from "./limits.js";
import { probeImage } from "./probe.js";
import { type RenderedImage, renderImages } from "./render.js";
import { type OutputFormat, type VariantSpec, validateVariantSpec } from "./spec.js";

const WEB_FORMATS = new Set(["jpeg", "png", "webp", "gif"]);

/**
 * The format an output takes when its spec names none: the input's own when
 * browsers show it, otherwise PNG if it has transparency and JPEG if not.
 */
export function defaultFormat(input: { format: string; hasAlpha: boolean }): OutputFormat {
  if (WEB_FORMATS.has(input.format)) return input.format as OutputFormat;
  return input.hasAlpha ? "png" : "jpeg";
}

/**
 * One transform of one image, in memory: `transformImage(bytes, { cover: [300, 300], format: "webp" })`.
 * The spec is validated like a configured variant. For several outputs of the
 * same image use `renderImages` (one decode) or `makeVariants` (storage).
 */
export async function transformImage(
  input: Uint8Array | string,
  spec: VariantSpec,
  limits?: ImageLimits,
): Promise<RenderedImage> {
  refuseUnknownKeys(limits ?? {}, IMAGE_LIMIT_KEYS, "transformImage");
  const checked = validateVariantSpec("transform", spec, limits);
  const format = checked.format ?? defaultFormat(await probeImage(input));
  const result = await renderImages(input, { out: { spec: checked, format } }, limits);
  return result.outputs.out;
}
