import { sourceMapReference } from "./sourcemap.js";
import type { RawReference } from "./types.js";

/*
 * A CSS scanner that knows just enough of CSS Syntax (comments, strings, url
 * tokens, escapes, function nesting) to find the references a stylesheet makes
 * and nothing that only looks like one (a `url(` inside a comment or a string).
 *
 * It runs over the file decoded as latin1, so offsets are byte offsets and any
 * bytes, valid UTF-8 or not, survive a rewrite untouched.
 */

/** What an open `(` means for the strings directly inside it. */
enum Paren {
  Other = 0,
  /** `url(` followed by a quoted string: that first string is the URL. */
  UrlString = 1,
  /** `image-set(`: every string directly inside is a URL. */
  ImageSet = 2,
}

const BOM = "\u00ef\u00bb\u00bf";

function isNameChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 45 ||
    code === 95 ||
    code >= 128
  );
}

function isNameStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code >= 128;
}

function isWhitespace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13 || code === 12;
}

/** End of the name starting at `i` (names may contain `\` escapes). */
function scanName(text: string, i: number): number {
  let j = i;
  while (j < text.length) {
    const code = text.charCodeAt(j);
    if (isNameChar(code)) j++;
    else if (code === 92 && j + 1 < text.length && text.charCodeAt(j + 1) !== 10) j += 2;
    else break;
  }
  return j;
}

/** Index of the closing quote of the string opening at `i`, or of the newline/EOF ending a bad string. */
function scanString(text: string, i: number): number {
  const quote = text.charCodeAt(i);
  let j = i + 1;
  while (j < text.length) {
    const code = text.charCodeAt(j);
    if (code === quote || code === 10 || code === 13 || code === 12) return j;
    j += code === 92 ? (text.charCodeAt(j + 1) === 13 && text.charCodeAt(j + 2) === 10 ? 3 : 2) : 1;
  }
  return text.length;
}

/**
 * Scan an unquoted url token whose content starts at `i` (after `url(` and any
 * whitespace). Returns the content's end and the index after the closing `)`;
 * `end` is -1 for a bad url (quotes, `(` or inner whitespace), which CSS
 * discards and so do we.
 */
function scanUnquotedUrl(text: string, i: number): { end: number; next: number } {
  let j = i;
  while (j < text.length) {
    const code = text.charCodeAt(j);
    if (code === 41 /* ) */) return { end: j, next: j + 1 };
    if (isWhitespace(code)) {
      const end = j;
      while (j < text.length && isWhitespace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === 41) return { end, next: j + 1 };
      break;
    }
    if (code === 34 || code === 39 || code === 40) break;
    j += code === 92 ? 2 : 1;
  }
  // Bad url: CSS skips to the next `)`, honouring escapes.
  while (j < text.length && text.charCodeAt(j) !== 41) j += text.charCodeAt(j) === 92 ? 2 : 1;
  return { end: -1, next: Math.min(j + 1, text.length) };
}

/** Find every reference in a stylesheet (given as latin1 text), in order. */
export function scanCss(text: string): RawReference[] {
  const refs: RawReference[] = [];
  const parens: Paren[] = [];
  // After `@import`, the first string is the imported sheet.
  let importPending = false;
  let i = text.startsWith(BOM) ? BOM.length : 0;

  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (isWhitespace(code)) {
      i++;
    } else if (code === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const close = text.indexOf("*/", i + 2);
      const end = close < 0 ? text.length : close;
      const map = sourceMapReference(text, i + 2, end);
      if (map) refs.push(map);
      i = close < 0 ? text.length : close + 2;
    } else if (code === 34 || code === 39) {
      const close = scanString(text, i);
      const top = parens.length > 0 ? parens[parens.length - 1] : Paren.Other;
      if (importPending || top !== Paren.Other) {
        refs.push({ start: i + 1, end: close, kind: "url", syntax: "css" });
        if (top === Paren.UrlString) parens[parens.length - 1] = Paren.Other;
      }
      importPending = false;
      i = close < text.length && text.charCodeAt(close) === code ? close + 1 : close;
    } else if (code === 64 /* @ */) {
      const end = scanName(text, i + 1);
      importPending = end - i === 7 && text.slice(i + 1, end).toLowerCase() === "import";
      i = end;
    } else if (isNameStart(code) || code === 45 || code === 92) {
      const end = scanName(text, i);
      if (end === i) {
        i++;
        continue;
      }
      if (text.charCodeAt(end) !== 40 /* ( */) {
        importPending = false;
        i = end;
        continue;
      }
      const name = end - i <= 17 ? text.slice(i, end).toLowerCase() : "";
      i = end + 1;
      if (name === "url") {
        let j = i;
        while (j < text.length && isWhitespace(text.charCodeAt(j))) j++;
        const next = text.charCodeAt(j);
        if (next === 34 || next === 39) {
          parens.push(Paren.UrlString);
          i = j;
        } else {
          const url = scanUnquotedUrl(text, j);
          if (url.end > j) refs.push({ start: j, end: url.end, kind: "url", syntax: "css" });
          i = url.next;
        }
      } else {
        parens.push(
          name === "image-set" || name === "-webkit-image-set" ? Paren.ImageSet : Paren.Other,
        );
      }
      importPending = false;
    } else {
      if (code === 40) parens.push(Paren.Other);
      else if (code === 41) parens.pop();
      else if (code === 59 || code === 123 || code === 125) parens.length = 0;
      if (code === 92) i++;
      importPending = false;
      i++;
    }
  }
  return refs;
}
