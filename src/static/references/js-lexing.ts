import { ModuleName } from "./js-modules.js";

/*
 * The char classes, keyword table and regex-literal reader behind the JS
 * scanner, kept apart so the scanner reads as a list of token rules.
 */

/** Flags per keyword: how it affects what follows. */
export const REGEX_AFTER = 1; // `/` after it starts a regex
export const BLOCK_AFTER = 2; // `{` after it opens a block (not an object literal)
export const CONTROL = 4; // `(` after it is a statement head: `if (x) /re/.test(y)`

const KEYWORDS = new Map<string, number>([
  ["return", REGEX_AFTER],
  ["typeof", REGEX_AFTER],
  ["instanceof", REGEX_AFTER],
  ["in", REGEX_AFTER],
  ["of", REGEX_AFTER],
  ["new", REGEX_AFTER],
  ["delete", REGEX_AFTER],
  ["void", REGEX_AFTER],
  ["throw", REGEX_AFTER],
  ["case", REGEX_AFTER],
  // `export default /re/`, `export default {}` (an object literal); `default:` in a switch never meets a `/`.
  ["default", REGEX_AFTER],
  ["yield", REGEX_AFTER],
  ["await", REGEX_AFTER],
  ["extends", REGEX_AFTER],
  ["do", REGEX_AFTER | BLOCK_AFTER],
  ["else", REGEX_AFTER | BLOCK_AFTER],
  ["try", BLOCK_AFTER],
  ["finally", BLOCK_AFTER],
  ["if", CONTROL],
  ["while", CONTROL],
  ["for", CONTROL],
  ["with", CONTROL],
]);

export function isNameStart(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    code === 36 ||
    code === 95 ||
    code === 92 ||
    code >= 128
  );
}

export function isNamePart(code: number): boolean {
  return isNameStart(code) || (code >= 48 && code <= 57);
}

export function isLineEnd(code: number): boolean {
  return code === 10 || code === 13;
}

/** Index after the regex literal opening at `i` (flags included). */
export function scanRegex(text: string, i: number): number {
  let j = i + 1;
  let inClass = false;
  while (j < text.length) {
    const code = text.charCodeAt(j);
    if (code === 92) j += 2;
    else if (isLineEnd(code)) return j;
    else {
      if (code === 91) inClass = true;
      else if (code === 93) inClass = false;
      else if (code === 47 && !inClass) break;
      j++;
    }
  }
  j++;
  while (j < text.length && isNamePart(text.charCodeAt(j))) j++;
  return Math.min(j, text.length);
}

export function moduleName(text: string, start: number, end: number): ModuleName {
  const length = end - start;
  if (length === 6 && text.startsWith("import", start)) return ModuleName.Import;
  if (length === 6 && text.startsWith("export", start)) return ModuleName.Export;
  if (length === 4 && text.startsWith("from", start)) return ModuleName.From;
  return ModuleName.Plain;
}

export function keywordFlags(text: string, start: number, end: number): number {
  const length = end - start;
  const first = text.charCodeAt(start);
  if (length < 2 || length > 10 || first < 97 || first > 122) return 0;
  return KEYWORDS.get(text.slice(start, end)) ?? 0;
}

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
