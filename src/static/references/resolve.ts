import { percentDecode } from "./decode.js";

/** `static.url` split once into the parts references are compared with. */
export interface StaticBase {
  /** Lower-cased `scheme://host[:port]` when `static.url` is absolute, else `null`. */
  origin: string | null;
  /** The URL's path, always ending in `/`, e.g. `/static/`. */
  pathname: string;
}

/** What a reference points at. */
export type Resolution =
  /** Not ours to rewrite: `data:`, other hosts, `#frag`, bare specifiers, folders, ... */
  | { kind: "skip" }
  /** A file of the static tree (it may still be missing from the collected files). */
  | { kind: "path"; path: string }
  /** A relative reference that climbs above the static root (`../../../x`). */
  | { kind: "outside" };

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
const ORIGIN = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*)(.*)$/;

/** Parse `static.url` ("/static/", "https://cdn.example.com/static/", "static/"). */
export function parseStaticUrl(staticUrl: string): StaticBase {
  const match = ORIGIN.exec(staticUrl);
  let origin: string | null = null;
  let pathname = staticUrl;
  if (match) {
    origin = match[1].toLowerCase();
    pathname = match[2];
  }
  if (!pathname.startsWith("/")) pathname = `/${pathname}`;
  if (!pathname.endsWith("/")) pathname = `${pathname}/`;
  return { origin, pathname };
}

/**
 * Resolve the decoded text of a reference found in the file `from` (a posix
 * path relative to the static root).
 *
 * `bareIsPackage`: in JS, `import "vue"` names a package, not a sibling file;
 * in CSS, `url(img/x.png)` is relative.
 */
export function resolveReference(
  spec: string,
  from: string,
  base: StaticBase,
  bareIsPackage: boolean,
): Resolution {
  const url = spec.trim();
  if (url === "" || url.startsWith("#") || url.startsWith("//")) return { kind: "skip" };

  let rootRelative: string | null = null;
  if (SCHEME.test(url)) {
    // Only a full URL under an absolute static.url is one of our files.
    const match = ORIGIN.exec(url);
    if (base.origin === null || !match || match[1].toLowerCase() !== base.origin) {
      return { kind: "skip" };
    }
    const rest = match[2] === "" ? "/" : match[2];
    if (!rest.startsWith(base.pathname)) return { kind: "skip" };
    rootRelative = rest.slice(base.pathname.length);
  } else if (url.startsWith("/")) {
    // A path-absolute reference resolves against the file's own origin, which is static.url's.
    if (!url.startsWith(base.pathname)) return { kind: "skip" };
    rootRelative = url.slice(base.pathname.length);
  } else if (bareIsPackage && !url.startsWith("./") && !url.startsWith("../")) {
    return { kind: "skip" };
  }

  const relative = rootRelative ?? url;
  const cut = firstOf(relative, "?", "#");
  const pathPart = relative.slice(0, cut);
  if (pathPart === "" || pathPart.endsWith("/")) return { kind: "skip" };
  const segments = pathPart.split("/");
  const last = segments[segments.length - 1];
  if (last === "." || last === "..") return { kind: "skip" };

  const stack = rootRelative === null ? from.split("/").slice(0, -1) : [];
  for (const raw of segments) {
    const segment = percentDecode(raw);
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (stack.length === 0) return { kind: "outside" };
      stack.pop();
    } else {
      stack.push(segment);
    }
  }
  return { kind: "path", path: stack.join("/") };
}

/** Index of the first of two chars in `text`, or its length when neither occurs. */
export function firstOf(text: string, a: string, b: string): number {
  const i = text.indexOf(a);
  const j = text.indexOf(b);
  if (i < 0) return j < 0 ? text.length : j;
  return j < 0 ? i : Math.min(i, j);
}
