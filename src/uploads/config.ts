import type { ResolvedConfig } from "../config/types.js";
import type { UploadOptions } from "./options.js";
import { checkUploadOptions } from "./options-check.js";

/**
 * The upload options a config file's `media.uploads` gives, with
 * `overrides` (per route: validators, a smaller `maxFileSize`, a signal)
 * laid over them key by key. Both are checked: an unknown key is refused
 * with the closest known one.
 *
 * ```ts
 * const config = await loadConfig();
 * app.post("/photos", uploadMiddleware(uploadOptionsFromConfig(config, { files: { photo: 1 } })), ...);
 * ```
 */
export function uploadOptionsFromConfig(
  config: Pick<ResolvedConfig, "media">,
  overrides: UploadOptions = {},
): UploadOptions {
  const merged: UploadOptions = { ...checkUploadOptions(config.media.uploads, "media.uploads") };
  for (const [key, value] of Object.entries(checkUploadOptions(overrides))) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}
