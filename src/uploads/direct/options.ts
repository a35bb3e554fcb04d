import { ConfigError } from "../../errors.js";
import { refuseUnknownKeys } from "../../option-keys.js";
import type { Storage } from "../../storage/types.js";
import { MB } from "../format.js";
import type { UploadTo } from "../naming.js";
import type { ResolvedUploadOptions } from "../options.js";
import type { Validator } from "../validators.js";
import { fieldUploadOptions } from "./checks.js";

/** The rules of one field that takes direct uploads: the same ones a form upload applies. */
export interface DirectField {
  /** Largest file, in bytes. Refused when declared, by the store where it can, and at confirm. @default 10 MB */
  maxSize?: number;
  /** Extensions accepted (case-insensitive, without the dot). @default any extension */
  extensions?: string[];
  /** Where a confirmed file is stored: a template (`photos/%Y/{uuid}.{ext}`) or a function. */
  uploadTo: UploadTo;
  /** Which entry of `storages` the field's files go to. @default "default" */
  storage?: string;
  /** Further validators run at confirm on the stored bytes, e.g. `imageDimensions({ maxWidth: 8000 })`. @default [] */
  validators?: Validator[];
  /** Accept SVG files (they can carry scripts). @default false */
  allowSvg?: boolean;
}

export interface DirectUploadOptions {
  /** What `createStoragesFromConfig` returns: `{ default, ...named }`. */
  storages: Record<string, Storage> & { default: Storage };
  /** Field name -> its rules. A prepared upload names its field; confirm applies that field's rules. */
  fields: Record<string, DirectField>;
  /** HMAC key for tickets and upload tokens (the config's `secret`). */
  secret: string;
  /**
   * URL path of Stowage's own upload endpoint, used by storages that have no
   * native upload grant (fs, memory). Mount `directUploadHandler` there.
   * @default "/uploads/direct/"
   */
  endpoint?: string;
  /**
   * URL path of the tus endpoint (see `tusUploadHandler`); absent: prepare
   * refuses `method: "tus"`.
   */
  tusPath?: string;
  /** Prefix of objects uploaded but not yet confirmed, in every storage. @default "_pending/" */
  pendingPrefix?: string;
  /** Seconds the browser has to start an upload after `prepare`. @default 900 (15 minutes) */
  expiresIn?: number;
  /**
   * Seconds after that during which the upload may still be confirmed. Keep
   * expiresIn + confirmWithin under `stowage cleanup --older-than`, which
   * removes pending objects as orphans.
   * @default 2700 (45 minutes)
   */
  confirmWithin?: number;
}

export interface ResolvedDirectOptions {
  storages: Record<string, Storage> & { default: Storage };
  fields: Record<
    string,
    Required<Omit<DirectField, "extensions">> & {
      extensions?: string[];
      /** The field's rules as a form upload's options, for the one file check. */
      uploadOptions: ResolvedUploadOptions;
    }
  >;
  secret: string;
  endpoint: string;
  tusPath: string | undefined;
  pendingPrefix: string;
  expiresIn: number;
  confirmWithin: number;
}

const OPTION_KEYS = [
  "storages",
  "fields",
  "secret",
  "endpoint",
  "tusPath",
  "pendingPrefix",
  "expiresIn",
  "confirmWithin",
];
const FIELD_KEYS = ["maxSize", "extensions", "uploadTo", "storage", "validators", "allowSvg"];
const DEFAULT_MAX_SIZE = 10 * MB;

function positiveInteger(value: unknown, key: string, fallback: number): number {
  const resolved = value ?? fallback;
  if (typeof resolved !== "number" || !Number.isSafeInteger(resolved) || resolved < 1) {
    throw new ConfigError(`"${key}" must be a whole number above 0; got ${String(value)}.`, {
      key,
    });
  }
  return resolved;
}

function urlPath(value: unknown, key: string, fallback?: string): string | undefined {
  const resolved = value ?? fallback;
  if (resolved === undefined) return undefined;
  if (typeof resolved !== "string" || !resolved.startsWith("/") || !resolved.endsWith("/")) {
    throw new ConfigError(
      `"${key}" must be a URL path that starts and ends with "/", e.g. "/uploads/direct/"; got ${JSON.stringify(value)}.`,
      { key },
    );
  }
  return resolved;
}

/** Options checked once, defaults applied; an unknown key or a bad value is refused by name. */
export function resolveDirectOptions(options: DirectUploadOptions): ResolvedDirectOptions {
  refuseUnknownKeys(options, OPTION_KEYS, "createDirectUploads");
  if (typeof options.secret !== "string" || options.secret.length < 16) {
    throw new ConfigError(
      "Direct uploads need a secret of at least 16 characters (the config's secret, env STOWAGE_SECRET) to sign tickets.",
      { key: "secret" },
    );
  }
  if (!options.storages?.default) {
    throw new ConfigError('"storages" must have a "default" storage.', { key: "storages" });
  }
  const pendingPrefix = options.pendingPrefix ?? "_pending/";
  if (!/^[\w-]+(?:\/[\w-]+)*\/$/.test(pendingPrefix)) {
    throw new ConfigError(
      `"pendingPrefix" must be a folder name ending in "/", e.g. "_pending/"; got ${JSON.stringify(pendingPrefix)}.`,
      { key: "pendingPrefix" },
    );
  }
  const fields: ResolvedDirectOptions["fields"] = {};
  for (const [name, field] of Object.entries(options.fields ?? {})) {
    refuseUnknownKeys(field, FIELD_KEYS, `createDirectUploads fields.${name}`);
    const storage = field.storage ?? "default";
    if (!Object.hasOwn(options.storages, storage)) {
      throw new ConfigError(
        `fields.${name}.storage names "${storage}", which is not in storages (${Object.keys(options.storages).join(", ")}).`,
        { key: `fields.${name}.storage` },
      );
    }
    if (typeof field.uploadTo !== "string" && typeof field.uploadTo !== "function") {
      throw new ConfigError(
        `fields.${name}.uploadTo must be a template such as "photos/%Y/{uuid}.{ext}" or a function.`,
        { key: `fields.${name}.uploadTo` },
      );
    }
    const extensions = field.extensions?.map((ext) => ext.replace(/^\./, "").toLowerCase());
    fields[name] = {
      maxSize: positiveInteger(field.maxSize, `fields.${name}.maxSize`, DEFAULT_MAX_SIZE),
      extensions,
      uploadTo: field.uploadTo,
      storage,
      validators: field.validators ?? [],
      allowSvg: field.allowSvg ?? false,
      uploadOptions: fieldUploadOptions(name, { ...field, extensions }),
    };
  }
  return {
    storages: options.storages,
    fields,
    secret: options.secret,
    endpoint: urlPath(options.endpoint, "endpoint", "/uploads/direct/") as string,
    tusPath: urlPath(options.tusPath, "tusPath"),
    pendingPrefix,
    expiresIn: positiveInteger(options.expiresIn, "expiresIn", 900),
    confirmWithin: positiveInteger(options.confirmWithin, "confirmWithin", 2700),
  };
}
