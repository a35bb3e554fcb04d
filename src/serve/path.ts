/**
 * Request target -> lookup key. Pure: no filesystem path is ever built here;
 * the key is only ever used to look a file up in a table (or, in dev mode,
 * handed to the finder, which re-checks it). Static files, media and image
 * variants all decode request targets here.
 */
import { ConfigError } from "../errors.js";

/** The target is not under the static prefix: another handler's business. */
export const NOT_OURS = 0;
/** The target is under the prefix but is hostile or malformed: answer 404. */
export const REJECTED = 1;

export type RequestKey = string | typeof NOT_OURS | typeof REJECTED;

/** Longest decoded path we look up; longer ones cannot be in any sane table. */
export const MAX_PATH_LENGTH = 4096;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * Percent-decode `raw` as UTF-8. Returns `null` for bad escapes, invalid or
 * overlong UTF-8, and for encoded `/`, `\` and NUL: an encoded separator would
 * let a client address a path the URL structure says does not exist.
 */
export function decodePathComponent(raw: string): string | null {
  if (!raw.includes("%") && isAscii(raw)) return raw;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code === 37 /* % */) {
      const high = hexValue(raw.charCodeAt(i + 1));
      const low = hexValue(raw.charCodeAt(i + 2));
      if (high < 0 || low < 0) return null;
      const byte = high * 16 + low;
      if (byte === 0x2f || byte === 0x5c || byte === 0) return null;
      bytes.push(byte);
      i += 2;
    } else if (code < 0x100) {
      // node:http hands raw target bytes over as latin1 characters: one char, one byte.
      bytes.push(code);
    } else {
      // Only reachable from callers that already decoded the target: re-encode as UTF-8.
      for (const byte of Buffer.from(raw[i]!, "utf8")) bytes.push(byte);
    }
  }
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    return null;
  }
}

/** True when a decoded relative path is safe to look up: no traversal, dotfiles, controls or empty segments. */
export function isSafeRelativePath(relative: string): boolean {
  if (relative.length === 0 || relative.length > MAX_PATH_LENGTH) return false;
  for (let i = 0; i < relative.length; i++) {
    const code = relative.charCodeAt(i);
    // Controls (incl. NUL), backslash (a separator on Windows) and DEL.
    if (code < 0x20 || code === 0x5c || code === 0x7f) return false;
  }
  for (const segment of relative.split("/")) {
    // Empty (`//`, leading or trailing `/`), `.`, `..` and dotfiles alike start with a dot or are empty.
    if (segment.length === 0 || segment.charCodeAt(0) === 46 /* . */) return false;
  }
  return true;
}

/**
 * Map a raw request target (`/static/css/a.css?v=1`) to the key of the file
 * it names below `prefix` (`css/a.css`), or say it is not ours / rejected.
 * `prefix` must start and end with `/`.
 */
export function requestKey(target: string, prefix: string): RequestKey {
  if (!target.startsWith(prefix)) return NOT_OURS;
  let end = target.length;
  const query = target.indexOf("?", prefix.length);
  if (query !== -1) end = query;
  const hash = target.indexOf("#", prefix.length);
  if (hash !== -1 && hash < end) end = hash;
  const decoded = decodePathComponent(target.slice(prefix.length, end));
  if (decoded === null || !isSafeRelativePath(decoded)) return REJECTED;
  return decoded;
}

/**
 * The path a handler serves under, from a prefix (`/static/`) or a full URL
 * (`https://cdn.example.com/static/`, as `static.url` may be when a CDN
 * fronts the app): the CDN fetches from this server under the URL's path.
 * Throws `ConfigError` naming `key` for anything else.
 */
export function mountPath(prefixOrUrl: string, key: string): string {
  if (typeof prefixOrUrl !== "string") {
    throw new ConfigError(`${key} must be a string, not ${JSON.stringify(prefixOrUrl)}.`, { key });
  }
  let prefix = prefixOrUrl;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(prefixOrUrl) || prefixOrUrl.startsWith("//")) {
    try {
      prefix = new URL(prefixOrUrl, "http://localhost").pathname;
    } catch (error) {
      throw new ConfigError(`${key} ${JSON.stringify(prefixOrUrl)} is not a valid URL.`, {
        key,
        cause: error,
      });
    }
  }
  if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
    throw new ConfigError(
      `${key} ${JSON.stringify(prefixOrUrl)} must be a path starting and ending with "/" (or a URL whose path does).`,
      { key },
    );
  }
  return prefix;
}
