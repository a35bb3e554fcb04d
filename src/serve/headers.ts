/**
 * The pure header function: (file facts) -> response headers. Everything a
 * response says about a file is decided here, once per file at start-up in
 * production and once per request in dev mode.
 */
import { lookup } from "mrmime";
import type { Encoding } from "./encoding.js";

/** Hashed names change with their content, so they can be cached for ten years, as nginx's `expires max`. */
export const CACHE_IMMUTABLE = "public, max-age=315360000, immutable";
/** Unhashed names may change on the next deploy: a minute bounds how stale a cache can be. */
export const CACHE_SHORT = "public, max-age=60";
/** Dev mode: always revalidate, so an edit shows on the next reload. */
export const CACHE_DEV = "no-cache";

/** Non-`text/*` types that are text and so get `charset=utf-8`. */
const TEXT_TYPES = new Set([
  "application/javascript",
  "application/json",
  "application/ld+json",
  "application/manifest+json",
  "application/xml",
  "application/xhtml+xml",
  "image/svg+xml",
]);

/** `Content-Type` for a file name, with `charset=utf-8` for text. */
export function contentTypeFor(name: string): string {
  const type = lookup(name) ?? "application/octet-stream";
  return type.startsWith("text/") || TEXT_TYPES.has(type) ? `${type}; charset=utf-8` : type;
}

/** Strong validator from size and modification time, in nginx's format (`"<mtime hex>-<size hex>"`). */
export function etagFor(size: number, mtimeSeconds: number): string {
  return `"${mtimeSeconds.toString(16)}-${size.toString(16)}"`;
}

/** What the header function needs to know about one encoded variant of a file. */
export interface HeaderFacts {
  contentType: string;
  /** Bytes of this variant. */
  size: number;
  encoding: Encoding;
  etag: string;
  /** HTTP-date of the original's modification time. */
  lastModified: string;
  cacheControl: string;
  /** True when the file has compressed variants, so the response depends on `Accept-Encoding`. */
  vary: boolean;
}

/** Headers every response about a file carries (200, 206, 304, 416), before the body-specific ones. */
export function validatorHeaders(facts: HeaderFacts): Record<string, string> {
  const headers: Record<string, string> = {
    ETag: facts.etag,
    "Last-Modified": facts.lastModified,
    "Cache-Control": facts.cacheControl,
  };
  if (facts.vary) headers.Vary = "Accept-Encoding";
  headers["Accept-Ranges"] = "bytes";
  headers["Access-Control-Allow-Origin"] = "*";
  headers["X-Content-Type-Options"] = "nosniff";
  return headers;
}

/** Headers of a full (200) response for one variant. */
export function fullHeaders(facts: HeaderFacts): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": facts.contentType,
    "Content-Length": String(facts.size),
  };
  if (facts.encoding !== "identity") headers["Content-Encoding"] = facts.encoding;
  return Object.assign(headers, validatorHeaders(facts));
}

/** Headers of a 206 response for bytes `start`..`end` of a variant. */
export function partialHeaders(
  facts: HeaderFacts,
  start: number,
  end: number,
): Record<string, string> {
  const headers = fullHeaders(facts);
  headers["Content-Length"] = String(end - start + 1);
  headers["Content-Range"] = `bytes ${start}-${end}/${facts.size}`;
  return headers;
}

/**
 * Headers of a 416 response: the size, so the client can ask again (RFC 9110
 * §15.5.17). No validators: there is no representation in it to validate (nginx agrees).
 */
export function unsatisfiableHeaders(facts: HeaderFacts): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Range": `bytes */${facts.size}`,
    "Content-Length": "0",
    "Cache-Control": facts.cacheControl,
  };
  if (facts.vary) headers.Vary = "Accept-Encoding";
  headers["Access-Control-Allow-Origin"] = "*";
  headers["X-Content-Type-Options"] = "nosniff";
  return headers;
}

/** Flatten a header object for `res.writeHead(status, [k, v, k, v])`, which skips Node's per-key checks. */
export function flattenHeaders(headers: Record<string, string>): string[] {
  const flat: string[] = [];
  for (const name in headers) flat.push(name, headers[name]!);
  return flat;
}
