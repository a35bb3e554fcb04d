import type { RawReference } from "./types.js";

const MARKER = "sourceMappingURL=";

/**
 * If the comment body starting at `bodyStart` is a source map pragma
 * (`# sourceMappingURL=...` or the older `@ sourceMappingURL=...`), the
 * reference to the map; else `null`. The URL runs to the first whitespace or
 * the comment's end (`bodyEnd`).
 */
export function sourceMapReference(
  text: string,
  bodyStart: number,
  bodyEnd: number,
): RawReference | null {
  const sigil = text.charCodeAt(bodyStart);
  if (sigil !== 35 /* # */ && sigil !== 64 /* @ */) return null;
  const gap = text.charCodeAt(bodyStart + 1);
  if (gap !== 32 && gap !== 9) return null;
  if (!text.startsWith(MARKER, bodyStart + 2)) return null;
  const start = bodyStart + 2 + MARKER.length;
  let end = start;
  while (end < bodyEnd) {
    const code = text.charCodeAt(end);
    if (code === 32 || code === 9 || code === 10 || code === 13 || code === 12) break;
    end++;
  }
  if (end === start) return null;
  return { start, end, kind: "sourcemap", syntax: "none" };
}
