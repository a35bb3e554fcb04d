import path from "node:path";
import { ConfigError } from "../errors.js";
import { isUrlPrefix, type Schema, URL_PREFIX, validateOptions } from "./schema.js";
import { driverEntry, parseStorageUrl, type StorageSpec, specSchema } from "./spec.js";
import { createPolicyStorage, type PolicyOptions } from "./storage.js";
import type { Storage } from "./types.js";

/**
 * Defaults for the storage `createStorage` builds. Every key means the same
 * as in a spec; a key set in the spec wins over the one given here.
 */
export interface CreateStorageOptions extends PolicyOptions {
  /**
   * HMAC key for fs/memory signed URLs (the config's `secret`). The cloud
   * drivers sign with their own credentials and ignore it.
   */
  secret?: string;
  /**
   * URL prefix `url(name)` builds on for fs/memory, ending with `/`. The
   * cloud drivers build their own URLs (see `customDomain`) and ignore it.
   * @default "/media/"
   */
  baseUrl?: string;
  /** Folder relative `fs` roots (in specs and `file://./` URLs) resolve from. @default process.cwd() */
  baseDir?: string;
}

const optionsSchema: Schema<CreateStorageOptions> = {
  ...specSchema,
  secret: { type: "string", secret: true, allowEmpty: true },
  baseUrl: { type: "string", check: isUrlPrefix, expected: URL_PREFIX },
  baseDir: { type: "string" },
};
const POLICY_KEYS = ["maxLength", "getValidName", "random"] as const;
/** Keys `options` may give a driver as defaults, when the driver has them. */
const DEFAULT_KEYS = ["secret", "baseUrl"] as const;

/**
 * Build a storage from a spec object (`{ driver: "fs", root: "media" }`) or a
 * URL (`s3://bucket/prefix?region=eu-west-1`, `file:///var/media`,
 * `memory://`). The spec is checked against its driver's schema: an unknown
 * key, a value of the wrong type or a missing required key fails here with
 * `E_CONFIG`, naming the key. Cloud SDKs load on first use, so this never
 * fails for a missing SDK; the first call does, naming the package.
 */
export function createStorage(
  specOrUrl: string | StorageSpec,
  options: CreateStorageOptions = {},
): Storage {
  const defaults = validateOptions(
    optionsSchema,
    { ...options },
    { label: "createStorage's options" },
  );
  const baseDir = (defaults.baseDir as string | undefined) ?? process.cwd();
  let spec: StorageSpec;
  if (typeof specOrUrl === "string") spec = parseStorageUrl(specOrUrl, baseDir);
  else if (specOrUrl && typeof specOrUrl === "object") spec = specOrUrl;
  else throw new ConfigError('A storage must be a URL or an object with a "driver" string.');
  const { driver, ...given } = spec;
  const entry = driverEntry(driver);
  const checked = validateOptions({ ...entry.schema, ...specSchema }, given, {
    label: `The ${driver} storage`,
  });

  const driverOptions: Record<string, unknown> = {};
  for (const key of DEFAULT_KEYS) {
    if (key in entry.schema && defaults[key] !== undefined) driverOptions[key] = defaults[key];
  }
  for (const key of Object.keys(entry.schema)) {
    if (checked[key] !== undefined) driverOptions[key] = checked[key];
  }
  if (driver === "fs") driverOptions.root = path.resolve(baseDir, driverOptions.root as string);

  const policy: Record<string, unknown> = {};
  for (const key of POLICY_KEYS) policy[key] = checked[key] ?? defaults[key];
  return createPolicyStorage(entry.create(driverOptions), policy as PolicyOptions);
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
 * so its URLs never collide with names in the default storage. The config's
 * `secret` and these URLs are defaults: a spec's own `secret`/`baseUrl` win.
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
        { key: "media.storages.default" },
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
