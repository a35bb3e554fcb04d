import type { Manifest } from "../static/manifest.js";

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * What `stowage find` was given, as a path relative to `static.url`: a
 * relative path is kept; a URL (`/static/css/site.css`,
 * `https://cdn.example.com/static/css/site.css?v=2`) loses the query, the
 * fragment and `static.url`'s path, and is percent-decoded as a browser
 * would request it.
 */
export function staticPathOf(input: string, staticUrl: string): string {
  const urlPath = new URL(staticUrl, "http://localhost").pathname;
  let pathname: string;
  if (/^https?:\/\//i.test(input)) {
    pathname = new URL(input).pathname;
  } else if (input.startsWith("/")) {
    pathname = input.replace(/[?#].*$/s, "");
  } else {
    return input;
  }
  // A leading "/" outside static.url names a source path (`/css/site.css`): nothing else can it mean.
  if (!pathname.startsWith(urlPath)) return decode(pathname);
  return decode(pathname.slice(urlPath.length));
}

/**
 * The original path whose hashed copy is `hashed` (`css/site.3f2a9c1d0b7e.css`
 * -> `css/site.css`), or `undefined` when the manifest names no such copy.
 * Names that map to themselves (a Vite build's) are not copies.
 */
export function originalOfHashed(hashed: string, manifest: Manifest | null): string | undefined {
  if (!manifest) return undefined;
  for (const [original, name] of Object.entries(manifest.paths)) {
    if (name === hashed && original !== hashed) return original;
  }
  return undefined;
}
