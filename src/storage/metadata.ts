import { InvalidMetadataError } from "./errors.js";

/**
 * User metadata that every driver stores alike. S3 and Azure send it as
 * HTTP headers: keys lose their case and values must be printable ASCII. So
 * keys are lower-cased on every driver (and must be Azure identifiers), and
 * the cloud drivers encode other values as RFC 2047 encoded words
 * (`=?UTF-8?B?...?=`, the form S3 itself uses) and decode them in `stat`.
 */

/** S3's limit for all user metadata of one object, keys and values together. */
export const MAX_METADATA_BYTES = 2048;

const KEY = /^[a-z_][a-z0-9_]*$/;
const PLAIN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
const ENCODED = /^=\?UTF-8\?B\?([A-Za-z0-9+/]*={0,2})\?=$/i;

/**
 * Metadata as it will be stored: keys lower-cased, each an identifier
 * (letters, digits, `_`, not starting with a digit), values strings, and
 * the whole within S3's 2 KB once encoded. Anything else is refused here,
 * before any byte is written, with `E_INVALID_METADATA`.
 */
export function checkMetadata(
  metadata: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (metadata === undefined) return undefined;
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw new InvalidMetadataError("metadata must be an object of strings.");
  }
  const out: Record<string, string> = {};
  let bytes = 0;
  for (const [given, value] of Object.entries(metadata)) {
    const key = given.toLowerCase();
    if (!KEY.test(key)) {
      throw new InvalidMetadataError(
        `The metadata key ${JSON.stringify(given)} cannot be stored on every driver: use letters, digits and "_", not starting with a digit (e.g. "original_name").`,
      );
    }
    if (key in out) {
      throw new InvalidMetadataError(
        `The metadata keys differ only in case around ${JSON.stringify(key)}; keys are stored lower-case.`,
      );
    }
    if (typeof value !== "string") {
      throw new InvalidMetadataError(
        `The metadata value of ${JSON.stringify(given)} must be a string.`,
      );
    }
    out[key] = value;
    bytes += key.length + encodeMetadataValue(value).length;
  }
  if (bytes > MAX_METADATA_BYTES) {
    throw new InvalidMetadataError(
      `The metadata takes ${bytes} bytes once encoded; at most ${MAX_METADATA_BYTES} can be stored.`,
    );
  }
  return out;
}

/** A value as printable ASCII: itself when it already is (and cannot be mistaken for an encoded word). */
function encodeMetadataValue(value: string): string {
  if (PLAIN.test(value) && !value.startsWith("=?")) return value;
  if (value === "") return value;
  return `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;
}

/** The inverse of `encodeMetadataValue`. */
function decodeMetadataValue(value: string): string {
  const match = ENCODED.exec(value);
  return match ? Buffer.from(match[1], "base64").toString("utf8") : value;
}

/** Every value encoded, for a cloud driver's write. */
export function encodeMetadata(
  metadata: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (metadata === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(metadata).map(([key, value]) => [key, encodeMetadataValue(value)]),
  );
}

/** Every value decoded and every key lower-cased, for a cloud driver's `stat`. */
export function decodeMetadata(
  metadata: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (metadata === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(metadata).map(([key, value]) => [key.toLowerCase(), decodeMetadataValue(value)]),
  );
}
