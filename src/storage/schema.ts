import { ConfigError } from "../errors.js";
import { closestMatch } from "../option-keys.js";

/**
 * A small validator for storage options, shared by every driver: each
 * driver's file declares one `Field` per option, and the same schema checks
 * spec objects, `createStorage` options and URL query parameters (whose
 * string values it converts). Unknown keys are refused by name, with a
 * suggestion when one is close (`forcepathstyle` -> `forcePathStyle`).
 */

export type Field = {
  /** Must be present. */
  required?: boolean;
  /** How the option reads in messages, e.g. "a URL such as http://127.0.0.1:9000". */
  expected?: string;
  /** A credential: its value never appears in a message. */
  secret?: boolean;
} /** Strings must not be empty unless `allowEmpty`. */ & (
  | { type: "string"; allowEmpty?: boolean; check?: (value: string) => boolean }
  | { type: "integer"; min?: number; max?: number }
  | { type: "boolean" }
  | { type: "choice"; values: readonly (string | boolean)[] }
  /** Objects and functions: never in URLs. `check` tells whether the value has the right shape. */
  | { type: "object"; check?: (value: object) => boolean }
  | { type: "function" }
);

/** One field per option of `T`, so an option cannot be added without its check. */
export type Schema<T> = { readonly [K in keyof T]-?: Field };

/** Where the values come from, for messages. */
export interface Source {
  /** e.g. `The s3 storage` or `The storage URL s3://b?x=1`. */
  label: string;
  /** Values are strings from a URL query, to convert by field type. */
  fromUrl?: boolean;
}

function describe(field: Field): string {
  if (field.expected) return field.expected;
  switch (field.type) {
    case "string":
      return field.allowEmpty ? "a string" : "a non-empty string";
    case "integer": {
      const range =
        field.min !== undefined && field.max !== undefined
          ? ` from ${field.min} to ${field.max}`
          : field.min !== undefined
            ? ` >= ${field.min}`
            : "";
      return `a whole number${range}`;
    }
    case "boolean":
      return "true or false";
    case "choice":
      return `one of ${field.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "object":
      return "an object";
    case "function":
      return "a function";
  }
}

function show(value: unknown): string {
  if (typeof value === "function") return "a function";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A URL query value as the field's type, or `undefined` when it cannot be one. */
function fromQuery(field: Field, text: string): unknown {
  switch (field.type) {
    case "integer":
      // `0o640` or `0640`-style modes are common in URLs; decimal otherwise.
      if (/^0o[0-7]+$/i.test(text)) return Number.parseInt(text.slice(2), 8);
      return /^-?\d+$/.test(text) ? Number(text) : undefined;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : undefined;
    case "choice": {
      const match = field.values.find((value) => String(value) === text);
      return match;
    }
    case "object":
    case "function":
      return undefined;
    default:
      return text;
  }
}

function valid(field: Field, value: unknown): boolean {
  switch (field.type) {
    case "string":
      return (
        typeof value === "string" &&
        (field.allowEmpty || value !== "") &&
        (field.check?.(value) ?? true)
      );
    case "integer":
      return (
        typeof value === "number" &&
        Number.isSafeInteger(value) &&
        (field.min === undefined || value >= field.min) &&
        (field.max === undefined || value <= field.max)
      );
    case "boolean":
      return typeof value === "boolean";
    case "choice":
      return field.values.includes(value as string | boolean);
    case "object":
      return typeof value === "object" && value !== null && (field.check?.(value) ?? true);
    case "function":
      return typeof value === "function";
  }
}

/** Refuse a key no schema knows, naming it and the closest known key. */
function unknownKey(source: Source, key: string, known: readonly string[]): ConfigError {
  const suggestion = closestMatch(key, known);
  const what = source.fromUrl ? "parameter" : "option";
  const hint = suggestion
    ? ` Did you mean "${suggestion}"?`
    : ` Known ${what}s: ${[...known].sort().join(", ")}.`;
  return new ConfigError(`${source.label} has no ${what} "${key}".${hint}`, { key });
}

/**
 * Check `input` against `schema`: every key known, every value of its type
 * (URL strings converted first), every required key present. Returns a new
 * object holding only the keys that were given.
 */
export function validateOptions(
  schema: Record<string, Field>,
  input: Record<string, unknown>,
  source: Source,
): Record<string, unknown> {
  const known = Object.keys(schema);
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(input)) {
    const field = schema[key];
    if (!field) throw unknownKey(source, key, known);
    if (raw === undefined) continue;
    const value = source.fromUrl && typeof raw === "string" ? fromQuery(field, raw) : raw;
    if (value === undefined || !valid(field, value)) {
      const where = source.fromUrl && (field.type === "object" || field.type === "function");
      throw new ConfigError(
        where
          ? `${source.label}: "${key}" cannot be given in a URL; pass it in a spec object.`
          : `${source.label}: "${key}" must be ${describe(field)}; found ${field.secret ? "another value" : show(raw)}.`,
        { key },
      );
    }
    out[key] = value;
  }
  for (const [key, field] of Object.entries(schema)) {
    if (field.required && out[key] === undefined) {
      throw new ConfigError(`${source.label} needs "${key}" (${describe(field)}).`, { key });
    }
  }
  return out;
}

export const URL_PREFIX =
  'a URL prefix ending in "/", e.g. "/media/" or "https://cdn.example/media/"';

/** A URL prefix: a path starting with `/` or an http(s) URL, ending with `/`. */
export function isUrlPrefix(value: string): boolean {
  return value.endsWith("/") && (value.startsWith("/") || /^https?:\/\/[^/]/.test(value));
}

/** An absolute http(s) URL. */
export function isHttpUrl(value: string): boolean {
  return /^https?:\/\/[^/]/.test(value) && URL.canParse(value);
}
