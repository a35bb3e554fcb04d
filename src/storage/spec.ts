import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../errors.js";

/** A storage spec after URL parsing: a driver name and that driver's options. */
export type StorageSpec = { driver: string } & Record<string, unknown>;

const SCHEMES: Record<string, string> = {
  "file:": "fs",
  "memory:": "memory",
  "s3:": "s3",
  "azure:": "azure",
  "gs:": "gcs",
};

// Query values are strings; these keys mean numbers or booleans in every driver.
const NUMBER_KEYS = new Set([
  "fileMode",
  "dirMode",
  "maxLength",
  "pageSize",
  "partSize",
  "queueSize",
]);
const BOOLEAN_KEYS = new Set(["forcePathStyle", "public", "conditionalPut"]);

function queryValue(key: string, value: string, url: string): unknown {
  if (NUMBER_KEYS.has(key)) {
    const number = /^0o[0-7]+$/i.test(value) ? Number.parseInt(value.slice(2), 8) : Number(value);
    if (!Number.isFinite(number)) {
      throw new ConfigError(`The storage URL ${url} has ${key}=${value}; it must be a number.`, {
        key,
      });
    }
    return number;
  }
  if (BOOLEAN_KEYS.has(key)) {
    if (value !== "true" && value !== "false") {
      throw new ConfigError(`The storage URL ${url} has ${key}=${value}; use true or false.`, {
        key,
      });
    }
    return value === "true";
  }
  return value;
}

/**
 * Turn a storage URL into a spec object:
 * `file:///abs`, `file://./rel` (from `baseDir`), `memory://`,
 * `s3://bucket/prefix?region=..&endpoint=..&forcePathStyle=true`,
 * `azure://container/prefix?connectionString=..`, `gs://bucket/prefix`.
 * Other query parameters become driver options of the same name.
 */
export function parseStorageUrl(input: string, baseDir: string = process.cwd()): StorageSpec {
  let url: URL;
  try {
    url = new URL(input);
  } catch (error) {
    throw new ConfigError(
      `${JSON.stringify(input)} is not a storage URL such as s3://bucket/prefix.`,
      {
        cause: error,
      },
    );
  }
  const driver = SCHEMES[url.protocol];
  if (!driver) {
    const known = Object.keys(SCHEMES)
      .map((scheme) => `${scheme}//`)
      .join(", ");
    throw new ConfigError(`The storage URL ${input} has an unknown scheme; use one of ${known}.`);
  }
  const spec: StorageSpec = { driver };
  for (const [key, value] of url.searchParams) spec[key] = queryValue(key, value, input);
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
      if (!url.host) throw new ConfigError(`The storage URL ${input} names no container.`);
      spec.container = url.host;
      if (location) spec.location = location;
      break;
    default:
      if (!url.host) throw new ConfigError(`The storage URL ${input} names no bucket.`);
      spec.bucket = url.host;
      if (location) spec.location = location;
  }
  return spec;
}

/** A spec object or URL as a spec object, relative fs roots resolved from `baseDir`. */
export function toSpec(input: string | StorageSpec, baseDir?: string): StorageSpec {
  if (typeof input === "string") return parseStorageUrl(input, baseDir);
  if (!input || typeof input.driver !== "string") {
    throw new ConfigError('A storage must be a URL or an object with a "driver" string.');
  }
  if (input.driver === "fs" && typeof input.root === "string" && baseDir) {
    return { ...input, root: path.resolve(baseDir, input.root) };
  }
  return input;
}
