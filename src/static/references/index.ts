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

function isWordByte(byte: number | undefined): boolean {
  if (byte === undefined) return false;
  return (
    (byte >= 97 && byte <= 122) ||
    (byte >= 65 && byte <= 90) ||
    (byte >= 48 && byte <= 57) ||
    byte === 95 ||
    byte === 36 ||
    byte >= 128
  );
}

/** Whether `word` occurs as a whole word that is not a property (`x.import`, `exports`). */
function hasKeyword(buffer: Buffer, word: string): boolean {
  let at = buffer.indexOf(word, 0, "latin1");
  while (at >= 0) {
    const before = at > 0 ? buffer[at - 1] : undefined;
    if (!isWordByte(before) && before !== 46 && !isWordByte(buffer[at + word.length])) return true;
    at = buffer.indexOf(word, at + word.length, "latin1");
  }
  return false;
}

/**
 * Whether a script may hold a reference, judged from its bytes with a fast
 * byte search, so that most bundles (UMD and CommonJS files say `exports`,
 * never `export`) are never decoded at all. Every reference the scanner can
 * find needs one of these words, so `false` is certain.
 */
export function jsMayReference(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (
    buffer.includes("sourceMappingURL", 0, "latin1") ||
    hasKeyword(buffer, "import") ||
    hasKeyword(buffer, "export")
  );
}

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
