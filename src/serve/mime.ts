/**
 * The one table of content types: static files, media, image variants and
 * the generated nginx config all name a file's type from it, so they cannot
 * disagree about what a `.js` or an `.svg` is.
 */
import { lookup, mimes } from "mrmime";

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

/** Types a browser would run or render as a document in the site's origin. */
const ACTIVE_TYPES = new Set([
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

/** The bare type of a `Content-Type` value, lower case, without parameters. */
function bareType(contentType: string): string {
  return contentType.split(";")[0]!.trim().toLowerCase();
}

/** Whether a type is text, so it is sent with `charset=utf-8`. */
export function isTextType(type: string): boolean {
  const bare = bareType(type);
  return bare.startsWith("text/") || TEXT_TYPES.has(bare);
}

/**
 * Whether a type is active content (HTML, SVG, any XML, JavaScript, ...):
 * uploaded files of these types are sent as downloads in a sandbox, never
 * rendered in the site's origin.
 */
export function isExecutableType(contentType: string): boolean {
  const bare = bareType(contentType);
  return ACTIVE_TYPES.has(bare) || bare.endsWith("+xml");
}

/** The bare type of a file name, from its extension. */
export function typeFor(name: string): string {
  return lookup(name) ?? "application/octet-stream";
}

/**
 * `Content-Type` for a static file, with `charset=utf-8` for text: the site's
 * own files are UTF-8. (Uploaded files get `typeFor`: no charset is claimed
 * for bytes a user sent.)
 */
export function contentTypeFor(name: string): string {
  const type = typeFor(name);
  return isTextType(type) ? `${type}; charset=utf-8` : type;
}

/** Every type in the table with its extensions, for configs that must type files the same way (nginx). */
export function typeTable(): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const [extension, type] of Object.entries(mimes)) {
    const list = table.get(type);
    if (list) list.push(extension);
    else table.set(type, [extension]);
  }
  return table;
}
