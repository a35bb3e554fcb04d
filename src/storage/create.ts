import { ConfigError } from "../errors.js";
import type { StorageDriver } from "./driver.js";
import { type AzureOptions, azureDriver } from "./drivers/azure.js";
import { fsDriver } from "./drivers/fs.js";
import { type GcsOptions, gcsDriver } from "./drivers/gcs.js";
import { memoryDriver } from "./drivers/memory.js";
import { type S3Options, s3Driver } from "./drivers/s3.js";
import { type StorageSpec, toSpec } from "./spec.js";
import { createPolicyStorage, type PolicyOptions } from "./storage.js";
import type { Storage } from "./types.js";

export interface CreateStorageOptions extends PolicyOptions {
  /** HMAC key for fs/memory signed URLs (the config's `secret`). */
  secret?: string;
  /** URL prefix `url(name)` uses when the spec sets no `baseUrl`. @default "/media/" */
  baseUrl?: string;
  /** Folder relative `fs` roots resolve from. @default process.cwd() */
  baseDir?: string;
}

type DriverFactory = (spec: StorageSpec, options: CreateStorageOptions) => StorageDriver;

const DRIVERS: Record<string, DriverFactory> = {
  fs(spec, options) {
    if (typeof spec.root !== "string" || spec.root === "") {
      throw new ConfigError(
        'An fs storage needs a "root" folder, e.g. { driver: "fs", root: "media" }.',
        {
          key: "root",
        },
      );
    }
    return fsDriver({
      ...spec,
      root: spec.root,
      secret: options.secret,
      baseUrl: baseUrlOf(spec, options),
    });
  },
  memory(spec, options) {
    return memoryDriver({ ...spec, secret: options.secret, baseUrl: baseUrlOf(spec, options) });
  },
  s3(spec) {
    return s3Driver(requireKeys<S3Options>(spec, ["bucket"]));
  },
  azure(spec) {
    return azureDriver(requireKeys<AzureOptions>(spec, ["container"]));
  },
  gcs(spec) {
    return gcsDriver(requireKeys<GcsOptions>(spec, ["bucket"]));
  },
};

/** Cloud specs come from config files and URLs; name the missing key instead of failing later. */
function requireKeys<T>(spec: StorageSpec, keys: string[]): T {
  for (const key of keys) {
    if (typeof spec[key] !== "string" || spec[key] === "") {
      throw new ConfigError(`The ${spec.driver} storage needs "${key}".`, { key });
    }
  }
  return spec as unknown as T;
}

function baseUrlOf(spec: StorageSpec, options: CreateStorageOptions): string | undefined {
  return typeof spec.baseUrl === "string" ? spec.baseUrl : options.baseUrl;
}

/**
 * Build a storage from a spec object (`{ driver: "fs", root: "media" }`) or a
 * URL (`s3://bucket/prefix?region=eu-west-1`, `file:///var/media`,
 * `memory://`). Cloud SDKs load on first use, so this never fails for a
 * missing SDK; the first call does, naming the package.
 */
export function createStorage(
  specOrUrl: string | StorageSpec,
  options: CreateStorageOptions = {},
): Storage {
  const spec = toSpec(specOrUrl, options.baseDir);
  const factory = DRIVERS[spec.driver];
  if (!factory) {
    throw new ConfigError(
      `Unknown storage driver ${JSON.stringify(spec.driver)}; use one of ${Object.keys(DRIVERS).join(", ")}.`,
      { key: "driver" },
    );
  }
  const maxLength = typeof spec.maxLength === "number" ? spec.maxLength : options.maxLength;
  return createPolicyStorage(factory(spec, options), { ...options, maxLength });
}

/** The parts of a resolved config `createStoragesFromConfig` reads. */
export interface StorageConfigInput {
  baseDir?: string;
  secret?: string;
  media: {
    url: string;
    storage: string | StorageSpec;
    storages: Record<string, string | StorageSpec>;
  };
}

/**
 * `{ default, ...named }` from `media.storage` and `media.storages`. The
 * default storage's URLs sit under `media.url`; a named storage's under
 * `media.url` with `-<name>` added to its last segment (`/media-private/`),
 * so its URLs never collide with names in the default storage.
 */
export function createStoragesFromConfig(
  config: StorageConfigInput,
): Record<string, Storage> & { default: Storage } {
  const base = { secret: config.secret, baseDir: config.baseDir };
  const storages: Record<string, Storage> = {};
  for (const [name, spec] of Object.entries(config.media.storages)) {
    if (name === "default") {
      throw new ConfigError(
        '"default" is reserved for media.storage; rename media.storages.default.',
        {
          key: "media.storages.default",
        },
      );
    }
    storages[name] = createStorage(spec, {
      ...base,
      baseUrl: namedMediaUrl(config.media.url, name),
    });
  }
  return {
    ...storages,
    default: createStorage(config.media.storage, { ...base, baseUrl: config.media.url }),
  };
}

/** `/media/` + `private` -> `/media-private/`. */
export function namedMediaUrl(mediaUrl: string, name: string): string {
  return `${mediaUrl.replace(/\/+$/, "")}-${encodeURIComponent(name)}/`;
}
