import { randomInt } from "node:crypto";
import { PathTraversalError } from "../errors.js";
import { InvalidNameError } from "./errors.js";

/**
 * The name policy, as Django's storages apply it, kept pure so it can be
 * table-tested: `checkName` guards every read/delete/stat, `validName`
 * cleans a name handed to `save`, `candidateNames` yields the names a save
 * may use, first the requested one, then random variants.
 */

/** Longest name (in characters, folders included) a save produces. */
export const DEFAULT_MAX_LENGTH = 255;

const CONTROL = /[\u0000-\u001f\u007f]/;
const DRIVE = /^[A-Za-z]:/;
// Django keeps word characters, `-` and `.`; everything else is dropped.
const UNSAFE = /[^\p{L}\p{N}\p{M}_.-]/gu;
const RANDOM_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/**
 * Refuse a key that could leave the storage root or cannot be stored:
 * absolute paths, drive letters, backslashes, `.`/`..` or empty segments,
 * control characters. Returns the key unchanged when it is usable.
 */
export function checkName(name: unknown): string {
  if (typeof name !== "string") throw new InvalidNameError(String(name), "a name must be a string");
  if (name === "") throw new InvalidNameError(name, "it is empty");
  if (CONTROL.test(name)) throw new InvalidNameError(name, "it contains a control character");
  if (name.startsWith("/") || name.includes("\\") || DRIVE.test(name)) {
    throw new PathTraversalError(name);
  }
  for (const segment of name.split("/")) {
    if (segment === "..") throw new PathTraversalError(name);
    if (segment === "" || segment === ".") {
      throw new InvalidNameError(name, "it has an empty or `.` path segment");
    }
  }
  return name;
}

/** Django's `get_valid_name` for one segment: spaces to `_`, unsafe characters dropped. */
export function cleanSegment(segment: string): string {
  return segment.trim().replace(/ /g, "_").replace(UNSAFE, "");
}

/**
 * Turn a requested name into a storable one. Backslashes count as
 * separators (Windows paths); absolute paths and `..` are refused rather
 * than silently re-rooted; each segment is cleaned like Django's
 * `get_valid_name`, and a segment that cleans to nothing is refused.
 */
export function validName(name: unknown): string {
  if (typeof name !== "string") throw new InvalidNameError(String(name), "a name must be a string");
  if (name.includes("\u0000")) throw new InvalidNameError(name, "it contains a NUL byte");
  const slashed = name.replace(/\\/g, "/");
  if (slashed.startsWith("/") || DRIVE.test(slashed)) throw new PathTraversalError(name);
  const segments = slashed.split("/");
  if (segments.includes("..")) throw new PathTraversalError(name);
  const kept = segments.filter((segment, index) => {
    // `a//b` and `./a` are harmless spellings in folders; the file part must be real.
    return index === segments.length - 1 || (segment !== "" && segment !== ".");
  });
  const cleaned = kept.map(cleanSegment);
  for (const segment of cleaned) {
    if (segment === "" || segment === "." || segment === "..") {
      throw new InvalidNameError(
        name,
        "no usable file name is left once unsafe characters are removed",
      );
    }
  }
  return checkName(cleaned.join("/"));
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

/** `dir/root_<suffix>.ext`, the root shortened so the whole name fits `maxLength`. */
export function alternativeName(
  name: string,
  suffix: string,
  maxLength = DEFAULT_MAX_LENGTH,
): string {
  const { dir, root, ext } = splitName(name);
  const tail = `_${suffix}${ext}`;
  const room = maxLength - dir.length - tail.length;
  if (room < 1) {
    throw new InvalidNameError(name, `it cannot be shortened to ${maxLength} characters`);
  }
  return `${dir}${root.slice(0, room)}${tail}`;
}

/**
 * The names a save may take, in order: the name itself when it fits
 * `maxLength`, then endless random variants. The caller stops at the first
 * free one.
 */
export function* candidateNames(
  name: string,
  options: { maxLength?: number; random?: () => string } = {},
): Generator<string, never> {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const random = options.random ?? randomSuffix;
  if (name.length <= maxLength) yield name;
  for (;;) yield alternativeName(name, random(), maxLength);
}
