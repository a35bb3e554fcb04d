import { existsSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "../errors.js";
import { resolveImageLimits } from "../images/limits.js";
import { suggestion } from "../option-keys.js";
import { checkUploadOptions } from "../uploads/options-check.js";
import { parseDatabaseUrl } from "./database-url.js";
import type {
  ColumnReference,
  CompressionFormat,
  References,
  ResolvedConfig,
  StaticSource,
  StorageSpecInput,
  StowageConfig,
} from "./types.js";

const COMPRESSION_FORMATS: readonly CompressionFormat[] = ["br", "gzip", "zstd"];

/**
 * Environment variables that override the file, so a deployment can switch
 * backends without touching code.
 */
export const ENV_OVERRIDES = {
  STOWAGE_STATIC_URL: "static.url",
  STOWAGE_STATIC_ROOT: "static.root",
  STOWAGE_STATIC_STORAGE: "static.storage",
  STOWAGE_MEDIA_URL: "media.url",
  STOWAGE_MEDIA_STORAGE: "media.storage",
  STOWAGE_SECRET: "secret",
  STOWAGE_DATABASE_URL: "media.database",
} as const;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

function fail(key: string, expected: string, found: unknown): never {
  throw new ConfigError(`Config key "${key}" must be ${expected}; found ${describe(found)}.`, {
    key,
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") fail(key, "a non-empty string", value);
  return value;
}

function urlPrefix(value: unknown, key: string, fallback: string): string {
  const url = optionalString(value, key) ?? fallback;
  if (!url.endsWith("/")) fail(key, 'a URL prefix ending in "/"', url);
  if (!url.startsWith("/") && !/^https?:\/\//.test(url)) {
    fail(key, 'a path starting with "/" or an http(s) URL', url);
  }
  return url;
}

function storageSpec(value: unknown, key: string, baseDir: string): StorageSpecInput | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) {
      fail(key, 'a storage URL such as "s3://bucket/prefix" or "file:///var/media"', value);
    }
    return value;
  }
  if (!isObject(value) || typeof value.driver !== "string") {
    fail(key, 'a storage URL or an object with a "driver" string', value);
  }
  if (value.driver === "fs" && typeof value.root === "string") {
    return { ...value, driver: "fs", root: path.resolve(baseDir, value.root) };
  }
  return value as StorageSpecInput;
}

/** Normalise a static prefix: no leading/trailing slash, no `.`/`..` segments. */
function staticPrefix(value: unknown, key: string): string {
  if (value === undefined || value === "") return "";
  if (typeof value !== "string") fail(key, "a string", value);
  if (value.endsWith("/")) fail(key, 'a prefix without a trailing "/"', value);
  const trimmed = value.replace(/^\/+/, "");
  if (trimmed.split("/").some((part) => part === "" || part === "." || part === "..")) {
    fail(key, "a relative path of plain folder names", value);
  }
  return trimmed;
}

function resolveSources(config: StowageConfig, baseDir: string): StaticSource[] {
  const dirs = config.static?.dirs;
  const sources: StaticSource[] = [];
  if (dirs === undefined) {
    const fallback = path.resolve(baseDir, "static");
    if (existsSync(fallback)) sources.push({ prefix: "", dir: fallback, origin: "dirs[0]" });
  } else {
    if (!Array.isArray(dirs)) fail("static.dirs", "an array of folders", dirs);
    dirs.forEach((entry, index) => {
      const key = `static.dirs[${index}]`;
      if (typeof entry === "string") {
        if (entry === "") fail(key, "a folder path", entry);
        sources.push({ prefix: "", dir: path.resolve(baseDir, entry), origin: `dirs[${index}]` });
      } else if (isObject(entry) && typeof entry.dir === "string" && entry.dir !== "") {
        sources.push({
          prefix: staticPrefix(entry.prefix, `${key}.prefix`),
          dir: path.resolve(baseDir, entry.dir),
          origin: `dirs[${index}]`,
        });
      } else {
        fail(key, "a folder path or { prefix, dir }", entry);
      }
    });
  }
  const apps = config.static?.apps ?? [];
  if (!Array.isArray(apps)) fail("static.apps", "an array of app folders", apps);
  apps.forEach((app, index) => {
    if (typeof app !== "string" || app === "") fail(`static.apps[${index}]`, "a folder path", app);
    sources.push({
      prefix: "",
      dir: path.resolve(baseDir, app, "static"),
      origin: `apps[${index}]`,
    });
  });
  return sources;
}

function stringList(value: unknown, key: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(key, "an array of strings", value);
  value.forEach((item, index) => {
    if (typeof item !== "string" || item === "")
      fail(`${key}[${index}]`, "a non-empty string", item);
  });
  return value as string[];
}

function compression(value: unknown): CompressionFormat[] {
  if (value === undefined) return ["br", "gzip"];
  if (value === false) return [];
  if (!Array.isArray(value))
    fail("static.compress", 'false or a list of "br", "gzip", "zstd"', value);
  value.forEach((item, index) => {
    if (!COMPRESSION_FORMATS.includes(item)) {
      fail(`static.compress[${index}]`, 'one of "br", "gzip", "zstd"', item);
    }
  });
  return [...new Set(value as CompressionFormat[])];
}

function optionalBoolean(value: unknown, key: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") fail(key, "true or false", value);
  return value;
}

const TOP_KEYS = new Set(["static", "media", "images", "secret"]);
const STATIC_KEYS = new Set([
  "url",
  "root",
  "dirs",
  "apps",
  "ignore",
  "hash",
  "compress",
  "storage",
]);
const MEDIA_KEYS = new Set(["url", "storage", "storages", "uploads", "database", "references"]);
const REFERENCE_KEYS = new Set(["table", "column", "storage"]);
const IMAGES_KEYS = new Set(["variants", "maxInputPixels", "maxInputSide", "maxAspectRatio"]);

function checkKeys(value: unknown, allowed: Set<string>, prefix: string): void {
  if (value === undefined) return;
  if (!isObject(value)) fail(prefix || "config", "an object", value);
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) {
      const known = [...allowed].map((k) => (prefix ? `${prefix}.${k}` : k)).join(", ");
      const full = prefix ? `${prefix}.${key}` : key;
      const hint = suggestion(key, allowed, (near) => (prefix ? `${prefix}.${near}` : near));
      throw new ConfigError(`Unknown config key "${full}".${hint} Known keys: ${known}.`, {
        key: full,
      });
    }
  }
}

/** `sqlite:PATH` made absolute from the config's folder; anything malformed refused. */
function database(value: unknown, baseDir: string): string | undefined {
  if (value === undefined) return undefined;
  const location = parseDatabaseUrl(value, { baseDir, key: "media.database" });
  return location.dialect === "sqlite" ? `sqlite:${location.file}` : location.url;
}

/**
 * `media.references`: columns (each naming a storage that exists; unknown
 * keys refused) or one function. `storageNames` are the named storages.
 */
export function checkReferences(value: unknown, storageNames: string[]): References {
  if (value === undefined) return [];
  if (typeof value === "function") return value as References;
  if (!Array.isArray(value)) {
    fail("media.references", "a list of { table, column, storage? } or a function", value);
  }
  return value.map((entry, index): ColumnReference => {
    const key = `media.references[${index}]`;
    if (!isObject(entry)) fail(key, "an object { table, column, storage? }", entry);
    checkKeys(entry, REFERENCE_KEYS, key);
    const table = optionalString(entry.table, `${key}.table`);
    const column = optionalString(entry.column, `${key}.column`);
    if (table === undefined) fail(`${key}.table`, "a table name", entry.table);
    if (column === undefined) fail(`${key}.column`, "a column name", entry.column);
    const storage = optionalString(entry.storage, `${key}.storage`);
    if (storage !== undefined && storage !== "default" && !storageNames.includes(storage)) {
      const known = ["default", ...storageNames].map((name) => JSON.stringify(name)).join(", ");
      fail(`${key}.storage`, `one of the configured storages (${known})`, storage);
    }
    return storage === undefined ? { table, column } : { table, column, storage };
  });
}

/** Apply environment overrides (see `ENV_OVERRIDES`) onto a copy of the config. */
export function applyEnv(config: StowageConfig, env: NodeJS.ProcessEnv): StowageConfig {
  const out: StowageConfig = {
    ...config,
    static: { ...config.static },
    media: { ...config.media },
  };
  if (env.STOWAGE_STATIC_URL) out.static!.url = env.STOWAGE_STATIC_URL;
  if (env.STOWAGE_STATIC_ROOT) out.static!.root = env.STOWAGE_STATIC_ROOT;
  if (env.STOWAGE_STATIC_STORAGE) out.static!.storage = env.STOWAGE_STATIC_STORAGE;
  if (env.STOWAGE_MEDIA_URL) out.media!.url = env.STOWAGE_MEDIA_URL;
  if (env.STOWAGE_MEDIA_STORAGE) out.media!.storage = env.STOWAGE_MEDIA_STORAGE;
  if (env.STOWAGE_SECRET) out.secret = env.STOWAGE_SECRET;
  if (env.STOWAGE_DATABASE_URL) out.media!.database = env.STOWAGE_DATABASE_URL;
  return out;
}

/**
 * Validate a user config and fill every default. Relative paths resolve from
 * `baseDir` (the config file's folder). Throws `ConfigError` naming the key,
 * what was expected and what was found.
 */
export function resolveConfig(
  input: unknown,
  baseDir: string,
  options: { file?: string; env?: NodeJS.ProcessEnv } = {},
): ResolvedConfig {
  checkKeys(input ?? {}, TOP_KEYS, "");
  const raw = applyEnv((input ?? {}) as StowageConfig, options.env ?? {});
  checkKeys(raw.static, STATIC_KEYS, "static");
  checkKeys(raw.media, MEDIA_KEYS, "media");
  checkKeys(raw.images, IMAGES_KEYS, "images");

  const staticRoot = optionalString(raw.static?.root, "static.root") ?? "staticfiles";
  const storages: Record<string, StorageSpecInput> = {};
  const namedStorages = raw.media?.storages ?? {};
  if (!isObject(namedStorages))
    fail("media.storages", "an object of named storages", namedStorages);
  for (const [name, spec] of Object.entries(namedStorages)) {
    storages[name] = storageSpec(spec, `media.storages.${name}`, baseDir)!;
  }
  const uploads = { ...checkUploadOptions(raw.media?.uploads, "media.uploads") };
  if (uploads.tmpDir !== undefined) uploads.tmpDir = path.resolve(baseDir, uploads.tmpDir);
  const variants = raw.images?.variants ?? {};
  if (!isObject(variants)) fail("images.variants", "an object of named variants", variants);
  const { maxInputPixels, maxInputSide, maxAspectRatio } = raw.images ?? {};
  // Checked by the images module's own rules, so a config file and an option object agree.
  resolveImageLimits({ maxInputPixels, maxInputSide, maxAspectRatio }, { fromConfig: true });

  return {
    file: options.file,
    baseDir,
    static: {
      url: urlPrefix(raw.static?.url, "static.url", "/static/"),
      root: path.resolve(baseDir, staticRoot),
      sources: resolveSources(raw, baseDir),
      ignore: stringList(raw.static?.ignore, "static.ignore"),
      defaultIgnore: true,
      hash: optionalBoolean(raw.static?.hash, "static.hash", true),
      compress: compression(raw.static?.compress),
      storage: storageSpec(raw.static?.storage, "static.storage", baseDir),
    },
    media: {
      url: urlPrefix(raw.media?.url, "media.url", "/media/"),
      storage: storageSpec(raw.media?.storage, "media.storage", baseDir) ?? {
        driver: "fs",
        root: path.resolve(baseDir, "media"),
      },
      storages,
      uploads,
      database: database(raw.media?.database, baseDir),
      references: checkReferences(raw.media?.references, Object.keys(storages)),
    },
    images: {
      variants: variants as Record<string, Record<string, unknown>>,
      maxInputPixels,
      maxInputSide,
      maxAspectRatio,
    },
    secret: optionalString(raw.secret, "secret"),
  };
}
