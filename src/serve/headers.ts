/**
 * The pure header function: (facts about one representation) -> response
 * headers. Everything a response says about a file, a media object or an
 * image variant is decided here: once per file at start-up for the static
 * table, once per request for the rest.
 */
import type { Encoding } from "./encoding.js";

/** Hashed names change with their content, so they can be cached for ten years, as nginx's `expires max`. */
export const CACHE_IMMUTABLE = "public, max-age=315360000, immutable";
/** Unhashed names may change on the next deploy: a minute bounds how stale a cache can be. */
export const CACHE_SHORT = "public, max-age=60";
/** Dev mode: always revalidate, so an edit shows on the next reload. */
export const CACHE_DEV = "no-cache";
/** Signed media: only the holder of the link may see it, and no cache may keep it. */
export const CACHE_PRIVATE = "private, no-store";
/** Keeps active content that is served anyway (a download) from running anything. */
export const SANDBOX_POLICY = "default-src 'none'; sandbox";

/** Strong validator from size and modification time, in nginx's format (`"<mtime hex>-<size hex>"`). */
export function etagFor(size: number, mtimeSeconds: number): string {
  return `"${mtimeSeconds.toString(16)}-${size.toString(16)}"`;
}

/** `mtime` and `lastModified` of a representation modified at `milliseconds` since the epoch. */
export function modifiedAt(milliseconds: number): { mtime: number; lastModified: string } {
  const mtime = Math.floor(milliseconds / 1000);
  return { mtime, lastModified: new Date(mtime * 1000).toUTCString() };
}

/** What the header function needs to know about one representation. */
export interface HeaderFacts {
  contentType: string;
  /** Bytes of this representation. */
  size: number;
  encoding: Encoding;
  /** Strong entity tag, quotes included; `undefined` when the source has none. */
  etag: string | undefined;
  /** Modification time in epoch seconds (what `Last-Modified` says and `If-Modified-Since` compares). */
  mtime: number;
  /** HTTP-date of `mtime`, kept so prepared responses do not format it again. */
  lastModified: string;
  cacheControl: string;
  /** True when other encodings exist, so the response depends on `Accept-Encoding`. */
  vary: boolean;
  /** Send `Access-Control-Allow-Origin: *` (static assets, which pages on other origins load); never for media. */
  cors: boolean;
  /** `Content-Disposition` to send, if any. */
  disposition?: string | undefined;
  /** Active content served as a download: add the sandboxing `Content-Security-Policy`. */
  sandbox?: boolean;
}

/** Headers every response about a representation carries (200, 206, 304), before the body-specific ones. */
export function validatorHeaders(facts: HeaderFacts): Record<string, string> {
  const headers: Record<string, string> = {};
  if (facts.etag !== undefined) headers.ETag = facts.etag;
  headers["Last-Modified"] = facts.lastModified;
  headers["Cache-Control"] = facts.cacheControl;
  if (facts.vary) headers.Vary = "Accept-Encoding";
  headers["Accept-Ranges"] = "bytes";
  if (facts.cors) headers["Access-Control-Allow-Origin"] = "*";
  headers["X-Content-Type-Options"] = "nosniff";
  return headers;
}

/** Headers of a full (200) response. */
export function fullHeaders(facts: HeaderFacts): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": facts.contentType,
    "Content-Length": String(facts.size),
  };
  if (facts.encoding !== "identity") headers["Content-Encoding"] = facts.encoding;
  if (facts.disposition !== undefined) headers["Content-Disposition"] = facts.disposition;
  if (facts.sandbox) headers["Content-Security-Policy"] = SANDBOX_POLICY;
  return Object.assign(headers, validatorHeaders(facts));
}

/** Headers of a 206 response for bytes `start`..`end`. */
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
  if (facts.cors) headers["Access-Control-Allow-Origin"] = "*";
  headers["X-Content-Type-Options"] = "nosniff";
  return headers;
}

/** Flatten a header object for `res.writeHead(status, [k, v, k, v])`, which skips Node's per-key checks. */
export function flattenHeaders(headers: Record<string, string>): string[] {
  const flat: string[] = [];
  for (const name in headers) flat.push(name, headers[name]!);
  return flat;
}
