/**
 * How the text of a reference is escaped where it was found, which decides how
 * it is decoded to find the file:
 * - `css`: a CSS string or url token (`\61` and `\"` escapes);
 * - `js`: a JS string literal (`\x61`, `\u{61}`, `\n`, ...);
 * - `none`: taken literally (a sourceMappingURL comment).
 */
export type ReferenceSyntax = "css" | "js" | "none";

/** Which construct the reference came from (for messages and tests). */
export type ReferenceKind = "url" | "import" | "sourcemap";

/**
 * One reference found in a file's text. Offsets index the file decoded as
 * latin1 (one char per byte), so they are byte offsets too.
 */
export interface RawReference {
  /** Offset of the reference's first char (inside quotes, if quoted). */
  start: number;
  /** Offset just past its last char. */
  end: number;
  kind: ReferenceKind;
  syntax: ReferenceSyntax;
}
