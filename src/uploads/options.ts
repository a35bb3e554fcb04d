import os from "node:os";
import path from "node:path";
import { KB, MB } from "./format.js";
import { checkUploadOptions } from "./options-check.js";
import type { Validator } from "./validators.js";

/**
 * Limits and behaviour of one upload parse. Every key is optional; pass
 * different values per route (an avatar form and a video form rarely share
 * limits). Sizes are in bytes, times in milliseconds. Unknown keys are
 * refused, naming the key and the closest known one.
 */
export interface UploadOptions {
  /** Largest single file. @default 10 MB */
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
  /**
   * Most bytes one request may hold in memory: its form field values plus
   * the files kept in memory. A file that would go past it is written to a
   * temp file even below `memoryThreshold`; field values past it are refused
   * with 413 (they cannot go to disk). So a parse never holds more than this
   * (plus a few KB of part headers) whatever the number of files.
   * @default 10 MB
   */
  maxMemoryPerRequest?: number;
  /** Folder for temp files; created when missing. @default `os.tmpdir()/stowage-uploads` */
  tmpDir?: string;
  /** Give up on a client that sends nothing for this long (408, the whole parse is freed). @default 30000 */
  idleTimeout?: number;
  /**
   * Give up on an upload that takes longer than this in all (408), however
   * steadily its bytes arrive: a client sending a byte a second never trips
   * `idleTimeout`. Counted from the start of the parse.
   * @default 300000 (5 minutes, Node's own `requestTimeout`)
   */
  maxDuration?: number;
  /**
   * Refuse a file whose bytes disagree with its extension (a `.jpg` that is
   * HTML). Set `false` to only record `detectedType`.
   * @default true
   */
  verifyType?: boolean;
  /** Accept SVG files (they can carry scripts). @default false */
  allowSvg?: boolean;
  /**
   * The file fields a form may send, each with the most files it takes,
   * `{ avatar: 1, photos: 10 }`, or with `FileFieldOptions` to make the
   * field required, `{ avatar: { max: 1, required: true } }`. A file in any
   * other field, or one file too many in a field, is refused with 400
   * `E_UNEXPECTED_FILE` naming the field, before a byte of it is stored; a
   * form without a file in a required field is refused with 400
   * `E_MISSING_FILE` once the body has arrived. Unset: files are accepted
   * in any field (up to `maxFiles`) and none is required.
   * @default undefined
   */
  files?: Record<string, number | FileFieldOptions>;
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

/** One field of the `files` allowlist, in the long form. */
export interface FileFieldOptions {
  /** Most files the field takes: a whole number ≥ 1, or `Infinity`. @default 1 */
  max?: number;
  /**
   * A form sent without a file in this field (or with the file input left
   * empty) is refused with 400 `E_MISSING_FILE`, the message under the
   * field in `uploadErrorReply`, so the route can rely on `file(field)`.
   * @default false
   */
  required?: boolean;
}

/** A `files` allowlist entry with its defaults filled. */
export type ResolvedFileField = Required<FileFieldOptions>;

/** The options a config file's `media.uploads` may hold: all but the per-request `signal`. */
export type UploadConfig = Omit<UploadOptions, "signal">;

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
  maxMemoryPerRequest: number;
  idleTimeout: number;
  maxDuration: number;
  tmpDir: string;
  verifyType: boolean;
  allowSvg: boolean;
  /** The `files` allowlist, each entry in the long form. */
  files: Record<string, ResolvedFileField> | undefined;
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
  maxMemoryPerRequest: 10 * MB,
  idleTimeout: 30_000,
  maxDuration: 300_000,
} as const;

/** Default temp folder: a subfolder of the OS temp dir, so leftovers are easy to spot. */
export function defaultTmpDir(): string {
  return path.join(os.tmpdir(), "stowage-uploads");
}

/**
 * Check every key (unknown ones refused with the closest known name), fill
 * defaults once. Throws `ConfigError` naming the option.
 */
export function resolveUploadOptions(options: UploadOptions = {}): ResolvedUploadOptions {
  const checked = checkUploadOptions(options);
  return {
    ...UPLOAD_DEFAULTS,
    ...definedNumbers(checked),
    tmpDir: checked.tmpDir ?? defaultTmpDir(),
    verifyType: checked.verifyType ?? true,
    allowSvg: checked.allowSvg ?? false,
    files: resolveFileFields(checked.files),
    validators: checked.validators ?? {},
    filenames: checked.filenames ?? "reject",
    signal: checked.signal,
  };
}

function resolveFileFields(
  files: UploadOptions["files"],
): Record<string, ResolvedFileField> | undefined {
  if (files === undefined) return undefined;
  const resolved: Record<string, ResolvedFileField> = Object.create(null);
  for (const [field, entry] of Object.entries(files)) {
    resolved[field] =
      typeof entry === "number"
        ? { max: entry, required: false }
        : { max: entry.max ?? 1, required: entry.required ?? false };
  }
  return resolved;
}

function definedNumbers(options: UploadOptions): Partial<typeof UPLOAD_DEFAULTS> {
  const numbers: Record<string, number> = {};
  for (const key of Object.keys(UPLOAD_DEFAULTS) as (keyof typeof UPLOAD_DEFAULTS)[]) {
    const value = options[key];
    if (value !== undefined) numbers[key] = value;
  }
  return numbers;
}
