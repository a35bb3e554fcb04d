import type { StorageStat } from "../../storage/types.js";

// Types a browser would run or render as a document in our origin: sent as downloads.
const EXECUTABLE = new Set([
  "text/html",
  "application/xhtml+xml",
  "image/svg+xml",
  "text/xml",
  "application/xml",
  "text/xsl",
  "application/xslt+xml",
  "text/javascript",
  "application/javascript",
  "application/x-javascript",
  "application/ecmascript",
  "text/ecmascript",
  "application/wasm",
  "application/x-shockwave-flash",
]);

/** Whether a type is active content (HTML, SVG, any XML, JavaScript, ...). */
export function isExecutableType(contentType: string): boolean {
  const bare = contentType.split(";")[0].trim().toLowerCase();
  return EXECUTABLE.has(bare) || bare.endsWith("+xml");
}

/** `attachment` with the same filename parameters, whatever the disposition said. */
function forceAttachment(disposition: string | undefined): string {
  if (!disposition) return "attachment";
  return disposition.replace(/^\s*inline\b/i, "attachment");
}

/**
 * The headers every media response carries: type, validators, `nosniff`,
 * and a forced download (plus a sandboxing CSP) for active content, so an
 * uploaded HTML or SVG file cannot run script on the site's origin.
 */
export function mediaHeaders(
  stat: StorageStat,
  contentType: string,
  options: { disposition?: string; cacheControl: string },
): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": contentType,
    "X-Content-Type-Options": "nosniff",
    "Accept-Ranges": "bytes",
    "Last-Modified": stat.lastModified.toUTCString(),
    "Cache-Control": options.cacheControl,
  };
  if (stat.etag) headers.ETag = stat.etag;
  if (isExecutableType(contentType)) {
    headers["Content-Disposition"] = forceAttachment(options.disposition);
    headers["Content-Security-Policy"] = "default-src 'none'; sandbox";
  } else if (options.disposition) {
    headers["Content-Disposition"] = options.disposition;
  }
  return headers;
}

/** Whether the request's validators match, so 304 may be sent (If-None-Match wins over If-Modified-Since). */
export function isNotModified(
  stat: StorageStat,
  ifNoneMatch: string | undefined,
  ifModifiedSince: string | undefined,
): boolean {
  if (ifNoneMatch !== undefined) {
    if (!stat.etag) return false;
    const bare = (tag: string) => tag.trim().replace(/^W\//, "");
    return (
      ifNoneMatch.trim() === "*" ||
      ifNoneMatch.split(",").some((tag) => bare(tag) === bare(stat.etag!))
    );
  }
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  // HTTP dates have whole seconds; the file's milliseconds must not defeat the match.
  return !Number.isNaN(since) && Math.floor(stat.lastModified.getTime() / 1000) * 1000 <= since;
}
