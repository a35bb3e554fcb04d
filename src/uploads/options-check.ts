import { ConfigError } from "../errors.js";
import type { UploadConfig, UploadOptions } from "./options.js";

// The config module types and checks `media.uploads` through this file only.
export type { UploadConfig };

import { closestMatch } from "../option-keys.js";

/** Explains what a value must be, or `undefined` when it is fine. */
type Check = (value: unknown) => string | undefined;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const bytes: Check = (value) =>
  typeof value === "number" && !Number.isNaN(value) && value >= 0
    ? undefined
    : "a number of bytes ≥ 0 (Infinity for no limit)";
const count: Check = (value) =>
  typeof value === "number" && !Number.isNaN(value) && value >= 0
    ? undefined
    : "a number ≥ 0 (Infinity for no limit)";
const milliseconds: Check = (value) =>
  typeof value === "number" && !Number.isNaN(value) && value > 0
    ? undefined
    : "a number of milliseconds > 0 (Infinity for no limit)";
const boolean: Check = (value) => (typeof value === "boolean" ? undefined : "true or false");

const maxFiles = (max: unknown): boolean =>
  (typeof max === "number" && Number.isInteger(max) && max >= 1) || max === Infinity;

const FILE_FIELD_KEYS = ["max", "required"];

/** What is wrong with one entry of `files`, or `undefined`. */
function fileFieldProblem(field: string, entry: unknown): string | undefined {
  if (typeof entry === "number") {
    return maxFiles(entry) ? undefined : `"${field}" has ${entry}`;
  }
  if (!isObject(entry)) return `"${field}" has ${show(entry)}`;
  for (const [key, value] of Object.entries(entry)) {
    if (!FILE_FIELD_KEYS.includes(key)) {
      const near = closestMatch(key, FILE_FIELD_KEYS);
      return `"${field}" has the unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ""}`;
    }
    if (value === undefined) continue;
    if (key === "max" && !maxFiles(value)) return `"${field}".max has ${show(value)}`;
    if (key === "required" && typeof value !== "boolean") {
      return `"${field}".required has ${show(value)}`;
    }
  }
  return undefined;
}

const FILE_FIELDS: Check = (value) => {
  const expected =
    "an object of file field names and their most files (≥ 1) or { max, required }, e.g. { avatar: 1 } or { avatar: { max: 1, required: true } }";
  if (!isObject(value)) return expected;
  for (const [field, entry] of Object.entries(value)) {
    const problem = fileFieldProblem(field, entry);
    if (problem !== undefined) return `${expected}; ${problem}`;
  }
  return undefined;
};

const VALIDATORS: Check = (value) => {
  const expected = "an object of field names and lists of validators (extensions([...]), ...)";
  if (!isObject(value)) return expected;
  for (const [field, list] of Object.entries(value)) {
    const ok =
      Array.isArray(list) &&
      list.every(
        (each) =>
          isObject(each) && typeof each.rule === "string" && typeof each.validate === "function",
      );
    if (!ok) return `${expected}; "${field}" is not a list of validators`;
  }
  return undefined;
};

/** Every option and what its value must be; the single list of known keys. */
const CHECKS: Record<keyof UploadOptions, Check> = {
  maxFileSize: bytes,
  maxTotalSize: bytes,
  maxFiles: count,
  maxFields: count,
  maxFieldSize: bytes,
  maxParts: count,
  maxHeaderSize: bytes,
  maxFieldNameSize: bytes,
  memoryThreshold: bytes,
  maxMemoryPerRequest: bytes,
  idleTimeout: milliseconds,
  maxDuration: milliseconds,
  tmpDir: (value) => (typeof value === "string" && value !== "" ? undefined : "a folder path"),
  verifyType: boolean,
  allowSvg: boolean,
  files: FILE_FIELDS,
  validators: VALIDATORS,
  filenames: (value) =>
    value === "reject" || value === "basename" ? undefined : '"reject" or "basename"',
  signal: (value) => (value instanceof AbortSignal ? undefined : "an AbortSignal"),
};

/** The names of every upload option. */
const UPLOAD_OPTION_KEYS = Object.keys(CHECKS) as (keyof UploadOptions)[];

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return "an array";
  if (isObject(value)) return "an object";
  return String(value);
}

/**
 * Refuse unknown keys (naming the closest known one) and values of the
 * wrong kind. `prefix` names where the options came from in messages
 * (`media.uploads` for a config file). `signal` is refused in a config.
 */
export function checkUploadOptions(input: unknown, prefix?: string): UploadOptions {
  const label = (key: string) => (prefix ? `${prefix}.${key}` : key);
  const what = prefix ? "Config key" : "Upload option";
  if (input === undefined) return {};
  if (!isObject(input)) {
    throw new ConfigError(
      `${prefix ? `Config key "${prefix}"` : "Upload options"} must be an object of upload options; found ${show(input)}.`,
      { key: prefix },
    );
  }
  const known = prefix ? UPLOAD_OPTION_KEYS.filter((key) => key !== "signal") : UPLOAD_OPTION_KEYS;
  for (const [key, value] of Object.entries(input)) {
    if (!(known as string[]).includes(key)) {
      const near = closestMatch(key, known);
      const hint = near ? ` Did you mean "${label(near)}"?` : "";
      throw new ConfigError(
        `Unknown ${what.toLowerCase()} "${label(key)}".${hint} Known: ${known.join(", ")}.`,
        { key: label(key) },
      );
    }
    if (value === undefined) continue;
    const expected = CHECKS[key as keyof UploadOptions](value);
    if (expected !== undefined) {
      throw new ConfigError(`${what} "${label(key)}" must be ${expected}; found ${show(value)}.`, {
        key: label(key),
      });
    }
  }
  return input as UploadOptions;
}
