import type { ConfigProblem, ResolvedConfig } from "../../config/types.js";
import { ConfigError } from "../../errors.js";
import { validateVariantSpec } from "../../images/spec.js";
import { resolveUploadOptions, type UploadOptions } from "../../uploads/options.js";
import { closestMatch } from "../suggest.js";

function problemFrom(fallbackKey: string, error: unknown): ConfigProblem {
  if (!(error instanceof ConfigError)) throw error;
  return { level: "error", key: error.key ?? fallbackKey, message: error.message };
}

/** Every variant of `images.variants`, each checked by the images module's own validator. */
export function checkImageVariants(config: ResolvedConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const limits = { maxInputPixels: config.images.maxInputPixels };
  for (const [name, spec] of Object.entries(config.images.variants)) {
    try {
      validateVariantSpec(name, spec, limits);
    } catch (error) {
      problems.push(problemFrom(`images.variants.${name}`, error));
    }
  }
  return problems;
}

/**
 * `media.uploads`: values through the uploads module's resolver, and keys
 * against the options it resolves, so a misspelt `maxFilesize` is named
 * instead of silently leaving the default in force.
 */
export function checkUploadOptions(config: ResolvedConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const raw = config.media.uploads;
  const known = Object.keys(resolveUploadOptions({}));
  for (const key of Object.keys(raw)) {
    if (known.includes(key)) continue;
    const suggestion = closestMatch(key, known);
    problems.push({
      level: "error",
      key: `media.uploads.${key}`,
      message: `Unknown upload option "media.uploads.${key}"${suggestion ? `; did you mean "${suggestion}"?` : "."} Known options: ${known.join(", ")}.`,
    });
  }
  try {
    resolveUploadOptions(raw as UploadOptions);
  } catch (error) {
    problems.push(problemFrom("media.uploads", error));
  }
  return problems;
}
