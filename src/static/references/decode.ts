import type { ReferenceSyntax } from "./types.js";

const BACKSLASH = 92;

function isHexDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function isCssWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 12;
}

function fromCodePointSafe(value: number): string {
  // CSS Syntax: NUL, surrogates and out-of-range values become U+FFFD.
  if (value === 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return "\ufffd";
  return String.fromCodePoint(value);
}

/** Undo CSS escapes (`\61 `, `\"`, line continuations) as CSS Syntax §4.3.7 does. */
export function cssUnescape(text: string): string {
  if (!text.includes("\\")) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code !== BACKSLASH || i + 1 >= text.length) {
      out += text[i];
      i++;
      continue;
    }
    const next = text.charCodeAt(i + 1);
    if (isHexDigit(next)) {
      let j = i + 1;
      while (j < text.length && j < i + 7 && isHexDigit(text.charCodeAt(j))) j++;
      out += fromCodePointSafe(Number.parseInt(text.slice(i + 1, j), 16));
      // One whitespace after a hex escape belongs to the escape (CRLF counts as one).
      if (text.charCodeAt(j) === 13 && text.charCodeAt(j + 1) === 10) j += 2;
      else if (isCssWhitespace(text.charCodeAt(j))) j++;
      i = j;
    } else if (next === 10 || next === 12) {
      i += 2;
    } else if (next === 13) {
      i += text.charCodeAt(i + 2) === 10 ? 3 : 2;
    } else {
      out += text[i + 1];
      i += 2;
    }
  }
  return out;
}

const JS_SIMPLE_ESCAPES: Record<string, string> = {
  n: "\n",
  r: "\r",
  t: "\t",
  b: "\b",
  f: "\f",
  v: "\v",
  "0": "\0",
};

/** Undo JS string-literal escapes (`\x61`, `\u0061`, `\u{61}`, `\n`, line continuations). */
export function jsUnescape(text: string): string {
  if (!text.includes("\\")) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text.charCodeAt(i) !== BACKSLASH || i + 1 >= text.length) {
      out += text[i];
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === "x" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      out += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 4), 16));
      i += 4;
    } else if (next === "u" && text[i + 2] === "{") {
      const close = text.indexOf("}", i + 3);
      const value = Number.parseInt(text.slice(i + 3, close), 16);
      if (close < 0 || Number.isNaN(value)) {
        out += next;
        i += 2;
      } else {
        out += fromCodePointSafe(value);
        i = close + 1;
      }
    } else if (next === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
      out += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
      i += 6;
    } else if (next === "\r") {
      i += text[i + 2] === "\n" ? 3 : 2;
    } else if (next === "\n" || next === "\u2028" || next === "\u2029") {
      i += 2;
    } else {
      out += JS_SIMPLE_ESCAPES[next] ?? next;
      i += 2;
    }
  }
  return out;
}

/** Decode `%XX` sequences; text that is not valid percent-encoded UTF-8 is taken as written. */
export function percentDecode(text: string): string {
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The text of a reference as it appears in the file (latin1, one char per
 * byte) -> the URL it denotes: UTF-8 decoded, then unescaped for its syntax.
 * Percent-decoding is left to resolution, after the query is split off.
 */
export function decodeReferenceText(latin1: string, syntax: ReferenceSyntax): string {
  let text = latin1;
  // Only non-ASCII bytes need the UTF-8 pass; checking first keeps the common case cheap.
  for (let i = 0; i < latin1.length; i++) {
    if (latin1.charCodeAt(i) > 127) {
      text = Buffer.from(latin1, "latin1").toString("utf8");
      break;
    }
  }
  if (syntax === "css") return cssUnescape(text);
  if (syntax === "js") return jsUnescape(text);
  return text;
}
