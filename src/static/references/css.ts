import { NextChar, StringSeekers } from "./seek.js";
import { sourceMapReference } from "./sourcemap.js";
import type { RawReference } from "./types.js";

/*
 * A CSS scanner that knows just enough of CSS Syntax (comments, strings, url
 * tokens, escapes, function nesting) to find the references a stylesheet makes
 * and nothing that only looks like one (a `url(` inside a comment or a string).
 *
 * Only a few chars can change what the scanner is looking at, so it jumps from
 * one to the next with a native regex search; a function's name is read
 * backwards from its `(`. It runs over the file decoded as latin1, so offsets
 * are byte offsets and any bytes, valid UTF-8 or not, survive a rewrite.
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

function isWhitespace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13 || code === 12;
}

function isHexDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 102) || (code >= 65 && code <= 70);
}

/**
 * Index after the escape whose backslash is at `i`: a hex escape takes up to
 * six hex digits and one whitespace after them (`\41 b` is "Ab"), any other
 * escape the one char after the backslash.
 */
function afterEscape(text: string, i: number): number {
  let j = i + 1;
  if (!isHexDigit(text.charCodeAt(j))) return j + 1;
  while (j < i + 7 && isHexDigit(text.charCodeAt(j))) j++;
  if (text.startsWith("\r\n", j)) return j + 2;
  return isWhitespace(text.charCodeAt(j)) ? j + 1 : j;
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
    j = code === 92 ? afterEscape(text, j) : j + 1;
  }
  // Bad url: CSS skips to the next `)`, honouring escapes.
  while (j < text.length && text.charCodeAt(j) !== 41) j += text.charCodeAt(j) === 92 ? 2 : 1;
  return { end: -1, next: Math.min(j + 1, text.length) };
}

/** The chars that start or end something the scanner cares about. */
const SIGNIFICANT = /[/"'()@\\;{}]/g;

/** Find every reference in a stylesheet (given as latin1 text), in order. */
export function scanCss(text: string): RawReference[] {
  return new CssScanner(text).run();
}

class CssScanner {
  private readonly refs: RawReference[] = [];
  private readonly parens: Paren[] = [];
  private readonly seek: StringSeekers;
  private readonly formFeed: NextChar;
  /** Where the sheet's text starts (after a byte order mark). */
  private readonly bodyStart: number;

  constructor(private readonly text: string) {
    this.seek = new StringSeekers(text);
    this.formFeed = new NextChar(text, "\f");
    this.bodyStart = text.startsWith(BOM) ? BOM.length : 0;
  }

  run(): RawReference[] {
    const text = this.text;
    let i = this.bodyStart;
    while (i < text.length) {
      // Shared and reset on every use: the scan is synchronous, so nothing can interleave.
      SIGNIFICANT.lastIndex = i;
      const match = SIGNIFICANT.exec(text);
      if (match === null) break;
      i = match.index;
      switch (text.charCodeAt(i)) {
        case 47: // /
          i = text.charCodeAt(i + 1) === 42 ? this.comment(i) : i + 1;
          break;
        case 34: // "
        case 39: // '
          i = this.string(i, this.stringIsUrl());
          break;
        case 64: // @
          i = this.atRule(i);
          break;
        case 40: // (
          i = this.open(i);
          break;
        case 41: // )
          this.parens.pop();
          i++;
          break;
        case 92: // \  an escaped char is never significant
          i += 2;
          break;
        default: // ; { }  end whatever was open, which also recovers from stray parens
          this.parens.length = 0;
          i++;
      }
    }
    return this.refs;
  }

  /** Index after the comment opening at `i`; records a source map pragma. */
  private comment(i: number): number {
    const close = this.text.indexOf("*/", i + 2);
    const end = close < 0 ? this.text.length : close;
    const map = sourceMapReference(this.text, i + 2, end);
    if (map) this.refs.push(map);
    return close < 0 ? this.text.length : close + 2;
  }

  /** Whether a string here is a URL: the argument of `url("...")` or inside `image-set()`. */
  private stringIsUrl(): boolean {
    const top = this.parens.length > 0 ? this.parens[this.parens.length - 1] : Paren.Other;
    if (top === Paren.UrlString) this.parens[this.parens.length - 1] = Paren.Other;
    return top !== Paren.Other;
  }

  /** Index after the string opening at `i` (or at the line end cutting it short). */
  private string(i: number, isUrl: boolean): number {
    const text = this.text;
    const quote = text[i];
    let j = i + 1;
    let end: number;
    for (;;) {
      const found = text.indexOf(quote, j);
      const close = found < 0 ? text.length : found;
      const lineEnd = Math.min(this.seek.lineEnd(j), this.formFeed.from(j));
      const backslash = this.seek.backslash.from(j);
      if (backslash >= close || backslash >= lineEnd) {
        end = Math.min(close, lineEnd);
        break;
      }
      j = backslash + (text.startsWith("\r\n", backslash + 1) ? 3 : 2);
    }
    if (isUrl) this.refs.push({ start: i + 1, end, kind: "url", syntax: "css" });
    return end < text.length && text[end] === quote ? end + 1 : end;
  }

  /** `@import "x"`: the string right after it (comments aside) is a URL. */
  private atRule(i: number): number {
    const text = this.text;
    let j = i + 1;
    while (j < text.length && isNameChar(text.charCodeAt(j))) j++;
    if (j - i !== 7 || text.slice(i + 1, j).toLowerCase() !== "import") return j;
    for (;;) {
      while (j < text.length && isWhitespace(text.charCodeAt(j))) j++;
      if (!text.startsWith("/*", j)) break;
      j = this.comment(j);
    }
    const next = text.charCodeAt(j);
    return next === 34 || next === 39 ? this.string(j, true) : j;
  }

  /** A `(`: read the function name before it; `url(` and `image-set(` are ours. */
  private open(i: number): number {
    const text = this.text;
    let start = i;
    while (start > this.bodyStart && isNameChar(text.charCodeAt(start - 1))) start--;
    const length = i - start;
    const name =
      length === 3 || length === 9 || length === 17 ? text.slice(start, i).toLowerCase() : "";
    if (name !== "url") {
      const isImageSet = name === "image-set" || name === "-webkit-image-set";
      this.parens.push(isImageSet ? Paren.ImageSet : Paren.Other);
      return i + 1;
    }
    let j = i + 1;
    while (j < text.length && isWhitespace(text.charCodeAt(j))) j++;
    const next = text.charCodeAt(j);
    if (next === 34 || next === 39) {
      this.parens.push(Paren.UrlString);
      return j;
    }
    const url = scanUnquotedUrl(text, j);
    if (url.end > j) this.refs.push({ start: j, end: url.end, kind: "url", syntax: "css" });
    return url.next;
  }
}
