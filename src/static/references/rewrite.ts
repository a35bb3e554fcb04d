import { decodeReferenceText, percentDecode } from "./decode.js";
import { basename, extensionDot, hashedName } from "./names.js";
import { firstOf } from "./resolve.js";
import type { ReferenceSyntax } from "./types.js";

/** A reference's replacement text, at its offsets in the original text. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Chars that stay literal when we must spell a name ourselves; valid unescaped in every context. */
const UNRESERVED = /^[A-Za-z0-9._~-]$/;

function percentEncode(name: string): string {
  let out = "";
  for (const char of name) {
    if (UNRESERVED.test(char)) {
      out += char;
    } else {
      for (const byte of Buffer.from(char, "utf8")) {
        out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
      }
    }
  }
  return out;
}

/**
 * The text of a reference (latin1, as found in the file) pointing at the
 * hashed copy of `target`: the directories, the query and the fragment stay as
 * written, and the file name keeps its escaping (`a%20b.png` ->
 * `a%20b.<h>.png`). Only if the name is spelled in a way the hash cannot be
 * slotted into is it re-spelled, percent-encoded.
 */
export function rewriteReference(
  raw: string,
  syntax: ReferenceSyntax,
  target: string,
  hash: string,
): string {
  const cut = firstOf(raw, "?", "#");
  const pathPart = raw.slice(0, cut);
  const slash = pathPart.lastIndexOf("/");
  const directory = pathPart.slice(0, slash + 1);
  const name = pathPart.slice(slash + 1);
  const wanted = basename(hashedName(target, hash));

  const dot = extensionDot(name);
  const candidate = dot < 0 ? `${name}.${hash}` : `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
  const spelled =
    percentDecode(decodeReferenceText(candidate, syntax)) === wanted
      ? candidate
      : percentEncode(wanted);
  return directory + spelled + raw.slice(cut);
}

/** Apply edits (sorted by `start`, not overlapping) to `text`. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  if (edits.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const edit of edits) {
    parts.push(text.slice(at, edit.start), edit.text);
    at = edit.end;
  }
  parts.push(text.slice(at));
  return parts.join("");
}
