import {
  createStoragesFromConfig,
  namedMediaUrl,
  type StorageConfigInput,
} from "../../storage/create.js";
import { parseStorageUrl } from "../../storage/spec.js";
import type { Storage } from "../../storage/types.js";
import type { MediaHandlerOptions, MediaMount } from "./handler.js";

/** The parts of a resolved config the media handler reads. */
export interface MediaConfigInput extends StorageConfigInput {
  images?: { variants: Record<string, Record<string, unknown>> };
}

/**
 * Options for `createMediaHandler` from a resolved config: the default
 * storage public at `media.url`; each named storage at `/media-<name>/`,
 * signed-only unless its spec says `public: true`; `secret`, and the
 * declared image variants. Pass `storages` to reuse ones already built.
 */
export function mediaOptionsFromConfig(
  config: MediaConfigInput,
  storages: Record<string, Storage> = createStoragesFromConfig(config),
): MediaHandlerOptions {
  const mounts: MediaMount[] = [{ prefix: config.media.url, storage: storages.default! }];
  for (const [name, spec] of Object.entries(config.media.storages)) {
    // `public` read as the storage reads its spec, a URL's parameters included.
    const checked = typeof spec === "string" ? parseStorageUrl(spec, config.baseDir) : spec;
    mounts.push({
      prefix: namedMediaUrl(config.media.url, name),
      storage: storages[name]!,
      signed: checked.public !== true,
    });
  }
  return { mounts, secret: config.secret, variants: config.images?.variants ?? {} };
}
