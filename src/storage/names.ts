import { randomInt } from "node:crypto";
import { PathTraversalError } from "../errors.js";
import { InvalidNameError } from "./errors.js";

/**
 * The name policy, kept pure so it can be table-tested: `checkName` guards
 * every read/delete/stat/url, `validName` cleans a name handed to `save`,
 * `candidateNames` yields the names a save may use, first the requested one,
 * then random variants.
 *
 * Names are NFC, well-formed Unicode, `/`-separated, and no part starts with
 * `.`: hidden files are neither made nor served, and `.stowage-*` names stay
 * free for the drivers' own temp files and markers.
 */

/** Longest name (in characters, folders included) a save produces. */
export const DEFAULT_MAX_LENGTH = 255;
/** Longest name part in UTF-8 bytes: every common filesystem's limit for one file name. */
export const MAX_SEGMENT_BYTES = 255;

const CONTROL = /[\u0000-\u001f\u007f]/;
/** `C:/x` and `C:\x`: absolute Windows paths. A colon alone (`a:b.txt`) is no traversal. */
const DRIVE_ROOT = /^[A-Za-z]:[\\/]/;
// Letters, digits, marks and emoji (with their joiners, skin tones and flags) are kept,
// joiners also for the scripts that need them (ZWNJ in Persian),
// with `_`, `-` and `.`; everything else is dropped.
const UNSAFE =
  /[^\p{L}\p{N}\p{M}\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\p{Join_Control}_.-]/gu;
/** With the `u` flag a surrogate pair is one code point, so this finds only lone halves. */
const LONE_SURROGATE = /\p{Cs}/u;
const RANDOM_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function asString(name: unknown): string {
  if (typeof name !== "string") throw new InvalidNameError(String(name), "a name must be a string");
  if (LONE_SURROGATE.test(name)) {
    throw new InvalidNameError(name, "it is not valid Unicode (a lone surrogate)");
  }
  return name.normalize("NFC");
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/**
 * Names the full check accepts and returns unchanged, decided by one regular
 * expression: parts of ASCII letters, digits, `_`, `-` and `.`, none empty or
 * starting with `.`, none over 255 characters (ASCII: bytes). Nearly every
 * name is one, and this test costs a sixth of the full check (which
 * normalises and splits every name); a test compares the two on generated names.
 */
const PLAIN_NAME = /^[\w-][\w.-]{0,254}(?:\/[\w-][\w.-]{0,254})*$/;

/**
 * Refuse a key that could leave the storage root or cannot be stored:
 * absolute paths, backslashes, `.`/`..` or empty segments, hidden (`.x`)
 * segments, control characters, lone surrogates, parts over 255 bytes.
 * Returns the key in NFC, so both spellings of `café` find one file.
 */
export function checkName(name: unknown): string {
  if (typeof name === "string" && PLAIN_NAME.test(name)) return name;
  return checkNameFully(name);
}

/** `checkName` without its shortcut for plain ASCII names. */
export function checkNameFully(name: unknown): string {
  const key = asString(name);
  if (key === "") throw new InvalidNameError(key, "it is empty");
  if (CONTROL.test(key)) throw new InvalidNameError(key, "it contains a control character");
  if (key.startsWith("/") || key.includes("\\") || DRIVE_ROOT.test(key)) {
    throw new PathTraversalError(key);
  }
  for (const segment of key.split("/")) {
    if (segment === "..") throw new PathTraversalError(key);
    if (segment === "" || segment === ".") {
      throw new InvalidNameError(key, "it has an empty or `.` path segment");
    }
    if (segment.startsWith(".")) {
      throw new InvalidNameError(key, "a part starts with `.` (hidden files are not stored)");
    }
    if (byteLength(segment) > MAX_SEGMENT_BYTES) {
      throw new InvalidNameError(key, `a part is longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
  return key;
}

/**
 * One segment of a requested name made safe: spaces to `_`, unsafe
 * characters dropped, leading dots removed (`.htaccess` -> `htaccess`).
 */
export function cleanSegment(segment: string): string {
  return segment.trim().replace(/ /g, "_").replace(UNSAFE, "").replace(/^\.+/, "");
}

/**
 * Turn a requested name into a storable one. Backslashes count as
 * separators (Windows paths); absolute paths and `..` are refused rather
 * than silently re-rooted; each segment is cleaned by `cleanSegment`, and a
 * segment that cleans to nothing is refused. A file part over 255 bytes is
 * left for `candidateNames` to shorten; a folder part that long is refused.
 */
export function validName(name: unknown): string {
  const text = asString(name);
  if (text.includes("\u0000")) throw new InvalidNameError(text, "it contains a NUL byte");
  const slashed = text.replace(/\\/g, "/");
  if (slashed.startsWith("/") || DRIVE_ROOT.test(slashed)) throw new PathTraversalError(text);
  const segments = slashed.split("/");
  if (segments.includes("..")) throw new PathTraversalError(text);
  const kept = segments.filter((segment, index) => {
    // `a//b` and `./a` are harmless spellings in folders; the file part must be real.
    return index === segments.length - 1 || (segment !== "" && segment !== ".");
  });
  const cleaned = kept.map(cleanSegment);
  for (const segment of cleaned) {
    if (segment === "") {
      throw new InvalidNameError(
        text,
        "no usable file name is left once unsafe characters are removed",
      );
    }
  }
  for (const folder of cleaned.slice(0, -1)) {
    if (byteLength(folder) > MAX_SEGMENT_BYTES) {
      throw new InvalidNameError(text, `a folder name is longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
  const joined = cleaned.join("/");
  const file = cleaned[cleaned.length - 1];
  // A long file part is shortened by candidateNames; everything else must already pass.
  return byteLength(file) > MAX_SEGMENT_BYTES ? joined : checkName(joined);
}

/**
 * Split `dir/root.ext`. The extension keeps a short alphabetic inner suffix
 * (`.tar.gz`, `.min.js`) so variants read `a_Xyz1234.tar.gz`, not `a.tar_Xyz1234.gz`.
 */
export function splitName(name: string): { dir: string; root: string; ext: string } {
  const slash = name.lastIndexOf("/");
  const dir = slash === -1 ? "" : name.slice(0, slash + 1);
  const base = name.slice(slash + 1);
  const match = /^(.+?)((?:\.[A-Za-z]{1,4})?\.[^.]+)$/.exec(base);
  if (!match || (base.startsWith(".") && match[1].length === 0))
    return { dir, root: base, ext: "" };
  return { dir, root: match[1], ext: match[2] };
}

/** Seven random letters and digits, as Django's `get_random_string(7)`. */
export function randomSuffix(): string {
  let out = "";
  for (let i = 0; i < 7; i++) out += RANDOM_ALPHABET[randomInt(RANDOM_ALPHABET.length)];
  return out;
}

/** Whether `name` fits `maxLength` characters and its file part 255 bytes. */
function fits(name: string, maxLength: number): boolean {
  return name.length <= maxLength && byteLength(name.slice(name.lastIndexOf("/") + 1)) <= 255;
}

/**
 * `dir/root_<suffix>.ext`, the root shortened (by whole code points) so the
 * name fits `maxLength` characters and its file part 255 bytes.
 */
export function alternativeName(
  name: string,
  suffix: string,
  maxLength = DEFAULT_MAX_LENGTH,
): string {
  const { dir, root, ext } = splitName(name);
  const tail = `_${suffix}${ext}`;
  const points = Array.from(root);
  // The longest prefix of whole code points that fits: a binary search, as a root may be long.
  let low = 0;
  let high = points.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(`${dir}${points.slice(0, mid).join("")}${tail}`, maxLength)) low = mid;
    else high = mid - 1;
  }
  const kept = points.slice(0, low).join("");
  const result = `${dir}${kept}${tail}`;
  if (kept === "" || !fits(result, maxLength)) {
    throw new InvalidNameError(name, `it cannot be shortened to ${maxLength} characters`);
  }
  return result;
}

/**
 * The names a save may take, in order: the name itself when it fits
 * `maxLength` (and its file part 255 bytes), then endless random variants.
 * The caller stops at the first free one.
 */
export function* candidateNames(
  name: string,
  options: { maxLength?: number; random?: () => string } = {},
): Generator<string, never> {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const random = options.random ?? randomSuffix;
  if (fits(name, maxLength)) yield name;
  for (;;) yield alternativeName(name, random(), maxLength);
}
