import type { UploadConfig } from "../uploads/options-check.js";

/**
 * The configuration users write in `stowage.config.{ts,mjs,js,json}`.
 * Every key is optional; `resolveConfig` fills the defaults once.
 */
export interface StowageConfig {
  static?: StaticConfig;
  media?: MediaConfig;
  images?: ImagesConfig;
  /** Key for HMAC-signed URLs (Django's SECRET_KEY). @default env `STOWAGE_SECRET` */
  secret?: string;
}

/** A source folder, optionally mounted below a prefix (Django's `("prefix", "dir")`). */
export interface StaticDirSpec {
  /** URL prefix the folder's files appear under, without a trailing `/`. */
  prefix?: string;
  dir: string;
}

export type CompressionFormat = "br" | "gzip" | "zstd";

/**
 * A storage: a driver spec object (`{ driver: "s3", bucket: "b" }`) or a URL
 * (`s3://bucket/prefix?region=eu-west-1`, `file:///var/media`, `memory://`).
 * The storage module owns the meaning of each driver's keys.
 */
export type StorageSpecInput = string | ({ driver: string } & Record<string, unknown>);

export interface StaticConfig {
  /** URL prefix static files are served under (STATIC_URL). Must start and end with `/`. @default "/static/" */
  url?: string;
  /** Where `collect` writes (STATIC_ROOT). Relative to the config file. @default "staticfiles" */
  root?: string;
  /** Source folders, searched in order (STATICFILES_DIRS). @default ["static"] when that folder exists */
  dirs?: (string | StaticDirSpec)[];
  /** App folders; each contributes `<app>/static/`, searched after `dirs`, in order. @default [] */
  apps?: string[];
  /** Extra ignore patterns (glob, on the basename or the relative path), added to `.*`, `*~`, `CVS`. @default [] */
  ignore?: string[];
  /** Give collected files content-hashed names and write the manifest. @default true */
  hash?: boolean;
  /** Precompressed variants to write; `false` or `[]` for none. @default ["br", "gzip"] */
  compress?: CompressionFormat[] | false;
  /** Collect into this storage instead of the local `root` (e.g. S3). @default the local root */
  storage?: StorageSpecInput;
}

export interface MediaConfig {
  /** URL prefix public media is served under (MEDIA_URL). @default "/media/" */
  url?: string;
  /** The default storage for uploads (DEFAULT_FILE_STORAGE). @default { driver: "fs", root: "media" } */
  storage?: StorageSpecInput;
  /** Further named storages, e.g. `{ private: "file:///srv/private" }`. @default {} */
  storages?: Record<string, StorageSpecInput>;
  /**
   * Upload limits and rules, the options of `stowage/uploads` (all but the
   * per-request `signal`); read with `uploadOptionsFromConfig(config)`.
   * Unknown keys are refused.
   */
  uploads?: UploadConfig;
  /**
   * Where the records that reference stored files live (for `stowage cleanup`
   * and `stowage/media`): `sqlite:PATH` (relative to this file) or a
   * `postgres://` URL. @default env `STOWAGE_DATABASE_URL`
   */
  database?: string;
  /**
   * The columns that hold stored names (`[{ table, column, storage? }]`), or a
   * function returning an async iterable of names. @default []
   */
  references?: References;
}

/** One column that holds stored names (the FileField of a model). */
export interface ColumnReference {
  table: string;
  column: string;
  /** An entry of `media.storages`; absent: the main storage ("default"). */
  storage?: string;
}

/** Names, or `{ storage, name }` pairs, for apps whose references are not plain columns. */
export type ReferenceFunction = () => AsyncIterable<string | { storage?: string; name: string }>;

/** `media.references`: columns, or a function yielding every referenced name. */
export type References = ColumnReference[] | ReferenceFunction;

export interface ImagesConfig {
  /** Named variants, e.g. `{ thumb: { cover: [300, 300], format: "webp" } }`; see `stowage/images`. */
  variants?: Record<string, Record<string, unknown>>;
  /** Refuse input images with more pixels than this (width x height). @default 89_478_485 */
  maxInputPixels?: number;
  /** Refuse input images with a side longer than this, in pixels. @default 32_768 */
  maxInputSide?: number;
  /** Refuse input images whose longer side is more than this many times the shorter. @default 100 */
  maxAspectRatio?: number;
}

/** A static source folder after resolution: absolute dir, normalised prefix (`""` or `a/b`). */
export interface StaticSource {
  prefix: string;
  dir: string;
  /** Where the source came from, for messages: `dirs[0]` or `apps[1]`. */
  origin: string;
}

export interface ResolvedConfig {
  /** The config file that was loaded, or `undefined` when running on defaults. */
  file: string | undefined;
  /** The folder relative paths were resolved from. */
  baseDir: string;
  static: {
    url: string;
    root: string;
    sources: StaticSource[];
    ignore: string[];
    /** True when the user's patterns replace the defaults (`--no-default-ignore`). */
    defaultIgnore: boolean;
    hash: boolean;
    compress: CompressionFormat[];
    storage: StorageSpecInput | undefined;
  };
  media: {
    url: string;
    storage: StorageSpecInput;
    storages: Record<string, StorageSpecInput>;
    uploads: UploadConfig;
    /** `sqlite:/absolute/path` or a `postgres://` URL; undefined when none is configured. */
    database: string | undefined;
    references: References;
  };
  images: {
    variants: Record<string, Record<string, unknown>>;
    maxInputPixels: number | undefined;
    maxInputSide: number | undefined;
    maxAspectRatio: number | undefined;
  };
  secret: string | undefined;
}

/** One finding of `stowage check`: what is wrong, and with which config key. */
export interface ConfigProblem {
  /** An error makes `stowage check` exit 1; a warning is only reported. */
  level: "error" | "warning";
  /** The config key the problem is about (`media.storages.private.root`), when there is one. */
  key?: string;
  /** One sentence a person can act on, naming the key. */
  message: string;
}
