import {
  createStoragesFromConfig,
  namedMediaUrl,
  type StorageConfigInput,
} from "../../storage/create.js";
import type { StorageSpec } from "../../storage/spec.js";
import type { Storage } from "../../storage/types.js";
import type { MediaMount } from "./handler.js";

/**
 * Mounts for a resolved config: the default storage public at `media.url`;
 * each named storage at `/media-<name>/`, signed-only unless its spec says
 * `public: true`. Pass `storages` to reuse ones already built.
 */
export function mediaMountsFromConfig(
  config: StorageConfigInput,
  storages: Record<string, Storage> = createStoragesFromConfig(config),
): MediaMount[] {
  const mounts: MediaMount[] = [{ prefix: config.media.url, storage: storages.default }];
  for (const [name, spec] of Object.entries(config.media.storages)) {
    const isPublic = typeof spec === "object" && (spec as StorageSpec).public === true;
    const urlPublic = typeof spec === "string" && /[?&]public=true(&|$)/.test(spec);
    mounts.push({
      prefix: namedMediaUrl(config.media.url, name),
      storage: storages[name],
      signed: !(isPublic || urlPublic),
    });
  }
  return mounts;
}
