import type { ConfigProblem, ResolvedConfig } from "../../config/types.js";
import { ConfigError } from "../../errors.js";
import { resolveImageLimits } from "../../images/limits.js";
import { validateVariantSpec } from "../../images/spec.js";
import { uploadOptionsFromConfig } from "../../uploads/config.js";
import { resolveUploadOptions } from "../../uploads/options.js";

function problemFrom(fallbackKey: string, error: unknown): ConfigProblem {
  if (!(error instanceof ConfigError)) throw error;
  return { level: "error", key: error.key ?? fallbackKey, message: error.message };
}

/**
 * The image limits, then every variant of `images.variants` against them,
 * each through the images module's own validator, so every bad variant is
 * reported at once (building them all stops at the first).
 */
export function checkImageVariants(config: ResolvedConfig): ConfigProblem[] {
  const { variants, ...keys } = config.images;
  let limits: ReturnType<typeof resolveImageLimits>;
  try {
    limits = resolveImageLimits(keys);
  } catch (error) {
    return [problemFrom("images", error)];
  }
  const problems: ConfigProblem[] = [];
  for (const [name, spec] of Object.entries(variants)) {
    try {
      validateVariantSpec(name, spec, limits);
    } catch (error) {
      problems.push(problemFrom(`images.variants.${name}`, error));
    }
  }
  return problems;
}

/**
 * `media.uploads` as an app receives it (`uploadOptionsFromConfig`), then
 * resolved, so values that are each valid but disagree are reported too.
 */
export function checkUploadOptions(config: ResolvedConfig): ConfigProblem[] {
  try {
    resolveUploadOptions(uploadOptionsFromConfig(config));
    return [];
  } catch (error) {
    return [problemFrom("media.uploads", error)];
  }
}
