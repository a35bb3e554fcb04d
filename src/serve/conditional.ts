/**
 * Conditional requests (RFC 9110 §13). Pure.
 */

/** One entity tag from a header: its opaque quoted value and whether it was marked weak. */
interface EntityTag {
  weak: boolean;
  /** Including the quotes, e.g. `"5f-1a"`. */
  opaque: string;
}

/**
 * Parse a comma-separated list of entity tags. Malformed elements are
 * dropped, so they never match anything; `*` is reported as `"*"`.
 */
export function parseEntityTags(header: string): EntityTag[] | "*" {
  if (header.trim() === "*") return "*";
  const tags: EntityTag[] = [];
  let i = 0;
  while (i < header.length) {
    while (i < header.length && (header[i] === " " || header[i] === "\t" || header[i] === ",")) i++;
    if (i >= header.length) break;
    let weak = false;
    if (header.startsWith("W/", i)) {
      weak = true;
      i += 2;
    }
    if (header[i] !== '"') {
      // Not an entity tag: skip to the next element.
      const comma = header.indexOf(",", i);
      i = comma === -1 ? header.length : comma + 1;
      continue;
    }
    const close = header.indexOf('"', i + 1);
    if (close === -1) break;
    const opaque = header.slice(i, close + 1);
    i = close + 1;
    // Anything glued to the closing quote makes the element malformed.
    if (i < header.length && header[i] !== "," && header[i] !== " " && header[i] !== "\t") {
      const comma = header.indexOf(",", i);
      i = comma === -1 ? header.length : comma + 1;
      continue;
    }
    tags.push({ weak, opaque });
  }
  return tags;
}

/** `If-None-Match` uses the weak comparison: `W/"x"` matches `"x"`. Without a tag only `*` matches. */
export function noneMatchHits(header: string, etag: string | undefined): boolean {
  const tags = parseEntityTags(header);
  if (tags === "*") return true;
  return etag !== undefined && tags.some((tag) => tag.opaque === etag);
}

/** HTTP-date -> epoch seconds, or `undefined` when it does not parse. */
export function parseHttpDate(value: string): number | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/**
 * Should the server answer 304? `If-Modified-Since` counts only when there is
 * no `If-None-Match` (RFC 9110 §13.1.3), and only when its date parses.
 * `mtime` is the representation's modification time in epoch seconds.
 */
export function isNotModified(
  ifNoneMatch: string | undefined,
  ifModifiedSince: string | undefined,
  etag: string | undefined,
  mtime: number,
): boolean {
  if (ifNoneMatch !== undefined) return noneMatchHits(ifNoneMatch, etag);
  if (ifModifiedSince === undefined) return false;
  const since = parseHttpDate(ifModifiedSince);
  return since !== undefined && mtime <= since;
}

/**
 * `If-Range` (RFC 9110 §13.1.5): the range applies only if the validator
 * still matches. An entity tag needs the strong comparison (a weak tag never
 * matches); a date must equal `Last-Modified` exactly.
 */
export function ifRangeAllows(
  ifRange: string | undefined,
  etag: string | undefined,
  mtime: number,
): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith("W/")) return value === etag;
  const date = parseHttpDate(value);
  return date !== undefined && date === mtime;
}
