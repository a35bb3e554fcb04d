import { scanCss } from "./css.js";
import { scanJs } from "./js.js";
import type { RawReference } from "./types.js";

export { cssUnescape, decodeReferenceText, jsUnescape, percentDecode } from "./decode.js";
export { basename, extensionDot, hashedName } from "./names.js";
export { parseStaticUrl, type Resolution, resolveReference, type StaticBase } from "./resolve.js";
export { applyEdits, type Edit, rewriteReference } from "./rewrite.js";
export { stronglyConnectedComponents } from "./scc.js";
export type { RawReference, ReferenceKind, ReferenceSyntax } from "./types.js";
export { scanCss, scanJs };

/** Which scanner reads a file, by extension; `null` for files hashed by their bytes alone. */
export function scannerFor(path: string): "css" | "js" | null {
  const dot = path.lastIndexOf(".");
  if (dot < 0) return null;
  const extension = path.slice(dot + 1).toLowerCase();
  if (extension === "css") return "css";
  if (extension === "js" || extension === "mjs") return "js";
  return null;
}

// Cheap screens: a file without any of these cannot hold a reference, so it
// skips the scanner (most of a corpus of minified libraries does).
const CSS_HINT = /url\(|@import|image-set|sourceMappingURL/i;
const JS_HINTS = ["import", "export", "sourceMappingURL"];

/** Every reference in `text` (a CSS or JS file decoded as latin1), in order. */
export function findReferences(kind: "css" | "js", text: string): RawReference[] {
  if (kind === "css") return CSS_HINT.test(text) ? scanCss(text) : [];
  return JS_HINTS.some((hint) => text.includes(hint)) ? scanJs(text) : [];
}

/** 1-based line of `offset` in `text` (`\n`, `\r\n` and a lone `\r` each end a line). */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}
