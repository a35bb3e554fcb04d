import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../errors.js";
import type { StorageDriver } from "./driver.js";
import { type AzureOptions, azureDriver, azureSchema } from "./drivers/azure.js";
import { type FsOptions, fsDriver, fsSchema } from "./drivers/fs.js";
import { type GcsOptions, gcsDriver, gcsSchema } from "./drivers/gcs.js";
import { type MemoryOptions, memoryDriver, memorySchema } from "./drivers/memory.js";
import { type S3Options, s3Driver, s3Schema } from "./drivers/s3.js";
import { type Field, type Schema, validateOptions } from "./schema.js";
import type { PolicyOptions } from "./storage.js";

/**
 * A storage spec: a driver name and that driver's options (see `FsOptions`,
 * `S3Options`, ...), plus the keys every driver takes (`SpecOptions`).
 * Checked by `createStorage`, so specs read from config files fit too.
 */
export type StorageSpec = { driver: string } & Record<string, unknown>;

/** Keys any spec may carry besides its driver's options. */
export interface SpecOptions extends PolicyOptions {
  /**
   * A named storage (`media.storages`) served without signatures; read by
   * `mediaOptionsFromConfig` (stowage/serve), not by the storage.
   * @default false
   */
  public?: boolean;
}

export const specSchema: Schema<SpecOptions> = {
  maxLength: { type: "integer", min: 20, max: 1024 },
  getValidName: { type: "function" },
  random: { type: "function" },
  public: { type: "boolean" },
};

interface DriverEntry {
  schema: Record<string, Field>;
  create(options: Record<string, unknown>): StorageDriver;
}

const entry = <T>(schema: Schema<T>, create: (options: T) => StorageDriver): DriverEntry => ({
  schema,
  create: (options) => create(options as T),
});

/** Every driver `createStorage` knows, with the schema of its options. */
const DRIVERS: Readonly<Record<string, DriverEntry>> = {
  fs: entry<FsOptions>(fsSchema, fsDriver),
  memory: entry<MemoryOptions>(memorySchema, memoryDriver),
  s3: entry<S3Options>(s3Schema, s3Driver),
  azure: entry<AzureOptions>(azureSchema, azureDriver),
  gcs: entry<GcsOptions>(gcsSchema, gcsDriver),
};

/**
 * Drivers whose signed URLs are an HMAC made with the app's secret (checked
 * by the media handler); the clouds sign with their own credentials.
 */
export const SECRET_SIGNING_DRIVERS: ReadonlySet<string> = new Set(["fs", "memory"]);

/** The driver of `name`, or an error listing the known ones. */
export function driverEntry(name: unknown): DriverEntry {
  const found = typeof name === "string" ? DRIVERS[name] : undefined;
  if (!found) {
    throw new ConfigError(
      `Unknown storage driver ${JSON.stringify(name)}; use one of ${Object.keys(DRIVERS).join(", ")}.`,
      { key: "driver" },
    );
  }
  return found;
}

const SCHEMES: Record<string, string> = {
  "file:": "fs",
  "memory:": "memory",
  "s3:": "s3",
  "azure:": "azure",
  "gs:": "gcs",
};

/** Keys the URL's host and path set; a query parameter may not set them again. */
const LOCATION_KEYS = new Set(["root", "bucket", "container", "location"]);

/**
 * Turn a storage URL into a checked spec object:
 * `file:///abs`, `file://./rel` (from `baseDir`), `memory://`,
 * `s3://bucket/prefix?region=..&endpoint=..&forcePathStyle=true`,
 * `azure://container/prefix?connectionString=..`, `gs://bucket/prefix`.
 * Query parameters are the driver's options of the same name (numbers and
 * booleans converted); an unknown one is refused, naming it.
 */
export function parseStorageUrl(input: string, baseDir: string = process.cwd()): StorageSpec {
  let url: URL;
  try {
    url = new URL(input);
  } catch (error) {
    throw new ConfigError(
      `${JSON.stringify(input)} is not a storage URL such as s3://bucket/prefix.`,
      { cause: error },
    );
  }
  // Query values may hold credentials: messages name the URL without them.
  const shown = `${url.protocol}//${url.host}${url.pathname}`;
  const driver = SCHEMES[url.protocol];
  if (!driver) {
    const known = Object.keys(SCHEMES)
      .map((scheme) => `${scheme}//`)
      .join(", ");
    throw new ConfigError(`The storage URL ${shown} has an unknown scheme; use one of ${known}.`);
  }
  const spec: StorageSpec = { driver };
  const location = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, "");
  switch (driver) {
    case "fs":
      spec.root =
        url.host === ""
          ? fileURLToPath(new URL(`file://${url.pathname}`))
          : path.resolve(baseDir, decodeURIComponent(url.host + url.pathname));
      break;
    case "memory":
      break;
    case "azure":
      if (!url.host) throw new ConfigError(`The storage URL ${shown} names no container.`);
      spec.container = url.host;
      if (location) spec.location = location;
      break;
    default:
      if (!url.host) throw new ConfigError(`The storage URL ${shown} names no bucket.`);
      spec.bucket = url.host;
      if (location) spec.location = location;
  }
  const schema = { ...driverEntry(driver).schema, ...specSchema };
  const source = { label: `The storage URL ${shown}`, fromUrl: true };
  const query: Record<string, unknown> = {};
  for (const [key, value] of url.searchParams) {
    if (LOCATION_KEYS.has(key) && key in schema) {
      throw new ConfigError(
        `${source.label}: "${key}" comes from the URL itself (scheme://bucket-or-folder/location), not from a parameter.`,
        { key },
      );
    }
    if (key in query) {
      throw new ConfigError(`${source.label} gives "${key}" twice.`, { key });
    }
    query[key] = value;
  }
  const { driver: _driver, ...located } = spec;
  return { driver, ...validateOptions(schema, { ...located, ...query }, source) };
}
