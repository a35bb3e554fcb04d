import os from "node:os";
import path from "node:path";
import { ConfigError } from "../errors.js";
import { KB, MB } from "./format.js";
import type { Validator } from "./validators.js";

/**
 * Limits and behaviour of one upload parse. Every key is optional; pass
 * different values per route (an avatar form and a video form rarely share
 * limits). Sizes are in bytes, times in milliseconds.
 */
export interface UploadOptions {
  /** Largest single file (FILE_UPLOAD_MAX_MEMORY_SIZE's big brother). @default 10 MB */
  maxFileSize?: number;
  /** Largest whole request body, multipart framing included. @default 100 MB */
  maxTotalSize?: number;
  /** Most file parts. @default 100 */
  maxFiles?: number;
  /** Most non-file fields (DATA_UPLOAD_MAX_NUMBER_FIELDS). @default 1000 */
  maxFields?: number;
  /** Largest value of one non-file field. @default 1 MB */
  maxFieldSize?: number;
  /** Most parts of any kind, files and fields together. @default 1100 */
  maxParts?: number;
  /** Largest header block of one part (Content-Disposition, Content-Type, ...). @default 8 KB */
  maxHeaderSize?: number;
  /** Longest field name. @default 200 bytes */
  maxFieldNameSize?: number;
  /** Files up to this size stay in memory; larger ones go to a temp file (FILE_UPLOAD_MAX_MEMORY_SIZE). @default 2.5 MB */
  memoryThreshold?: number;
  /** Folder for temp files; created when missing. @default `os.tmpdir()/stowage-uploads` */
  tmpDir?: string;
  /** Give up on a client that sends nothing for this long (the whole parse is freed). @default 30000 */
  idleTimeout?: number;
  /**
   * Refuse a file whose bytes disagree with its extension (a `.jpg` that is
   * HTML). Set `false` to only record `detectedType`.
   * @default true
   */
  verifyType?: boolean;
  /** Accept SVG files (they can carry scripts). @default false */
  allowSvg?: boolean;
  /** Validators per file field name; every file of that field must pass all of them. @default {} */
  validators?: Record<string, Validator[]>;
  /**
   * What to do with a file name that is a path (`../../x`, `/etc/x`, `C:\x`,
   * `..&#x2F;x`) or holds control characters. `"reject"` fails the parse
   * with a 400 `E_UNSAFE_FILENAME` naming the field; `"basename"` keeps
   * the last segment without control characters, as Django does (`x`).
   * Either way the name is never used as a path.
   * @default "reject"
   */
  filenames?: "reject" | "basename";
  /** Cancels the parse; everything written so far is removed. */
  signal?: AbortSignal;
}

/** Options after defaults, as the parser uses them. */
export interface ResolvedUploadOptions {
  maxFileSize: number;
  maxTotalSize: number;
  maxFiles: number;
  maxFields: number;
  maxFieldSize: number;
  maxParts: number;
  maxHeaderSize: number;
  maxFieldNameSize: number;
  memoryThreshold: number;
  tmpDir: string;
  idleTimeout: number;
  verifyType: boolean;
  allowSvg: boolean;
  validators: Record<string, Validator[]>;
  filenames: "reject" | "basename";
  signal: AbortSignal | undefined;
}

/** Default limits: sizes in bytes, counts in parts, `idleTimeout` in milliseconds. */
export const UPLOAD_DEFAULTS = {
  maxFileSize: 10 * MB,
  maxTotalSize: 100 * MB,
  maxFiles: 100,
  maxFields: 1000,
  maxFieldSize: 1 * MB,
  maxParts: 1100,
  maxHeaderSize: 8 * KB,
  maxFieldNameSize: 200,
  memoryThreshold: 2.5 * MB,
  idleTimeout: 30_000,
} as const;

/** Default temp folder: a subfolder of the OS temp dir, so leftovers are easy to spot. */
export function defaultTmpDir(): string {
  return path.join(os.tmpdir(), "stowage-uploads");
}

const NUMERIC_KEYS = Object.keys(UPLOAD_DEFAULTS) as (keyof typeof UPLOAD_DEFAULTS)[];

/** Fill defaults once and refuse values that would make a limit meaningless. */
export function resolveUploadOptions(options: UploadOptions = {}): ResolvedUploadOptions {
  const numbers = {} as Record<keyof typeof UPLOAD_DEFAULTS, number>;
  for (const key of NUMERIC_KEYS) {
    const value = options[key] ?? UPLOAD_DEFAULTS[key];
    if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
      throw new ConfigError(
        `Upload option "${key}" must be a number of ${key === "idleTimeout" ? "milliseconds" : "bytes or items"} ≥ 0 (Infinity for no limit); found ${String(value)}.`,
        { key: `media.uploads.${key}` },
      );
    }
    numbers[key] = value;
  }
  const filenames = options.filenames ?? "reject";
  if (filenames !== "reject" && filenames !== "basename") {
    throw new ConfigError(
      `Upload option "filenames" must be "reject" or "basename"; found ${JSON.stringify(filenames)}.`,
      { key: "media.uploads.filenames" },
    );
  }
  return {
    ...numbers,
    tmpDir: options.tmpDir ?? defaultTmpDir(),
    verifyType: options.verifyType ?? true,
    allowSvg: options.allowSvg ?? false,
    validators: options.validators ?? {},
    filenames,
    signal: options.signal,
  };
}
