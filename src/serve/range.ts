/**
 * `Range` header parsing (RFC 9110 §14.2). Pure.
 *
 * Only single byte ranges are honoured. A request for several ranges is
 * answered with the whole file (200), which RFC 9110 allows ("a server MAY
 * ignore the Range header field"): multipart/byteranges buys little for static
 * files and overlapping ranges are a known amplification trick.
 */

/** Ignore the header and send the whole representation (absent, malformed, several ranges). */
export interface RangeIgnored {
  kind: "ignore";
}
/** Send bytes `start`..`end` inclusive. */
export interface RangeSatisfiable {
  kind: "range";
  start: number;
  end: number;
}
/** No byte of the representation is in the range: 416. */
export interface RangeUnsatisfiable {
  kind: "unsatisfiable";
}
export type RangeResult = RangeIgnored | RangeSatisfiable | RangeUnsatisfiable;

const IGNORE: RangeIgnored = { kind: "ignore" };
const UNSATISFIABLE: RangeUnsatisfiable = { kind: "unsatisfiable" };
const DIGITS = /^[0-9]+$/;

/** Parse a `Range` header against a representation of `size` bytes. */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return IGNORE;
  const equals = header.indexOf("=");
  if (equals === -1 || header.slice(0, equals).trim().toLowerCase() !== "bytes") return IGNORE;
  // List elements may be empty (`bytes=0-1,`), per RFC 9110 §5.6.1.
  const specs = header
    .slice(equals + 1)
    .split(",")
    .map((spec) => spec.trim())
    .filter((spec) => spec !== "");
  if (specs.length !== 1) return IGNORE;
  const spec = specs[0]!;
  const dash = spec.indexOf("-");
  if (dash === -1) return IGNORE;
  const first = spec.slice(0, dash);
  const last = spec.slice(dash + 1);

  if (first === "") {
    // Suffix range: the last N bytes.
    if (!DIGITS.test(last)) return IGNORE;
    const length = Number(last);
    if (length === 0 || size === 0) return UNSATISFIABLE;
    return { kind: "range", start: Math.max(0, size - length), end: size - 1 };
  }
  if (!DIGITS.test(first) || (last !== "" && !DIGITS.test(last))) return IGNORE;
  const start = Number(first);
  const end = last === "" ? Number.POSITIVE_INFINITY : Number(last);
  // `last < first` makes the whole header invalid, so it is ignored (RFC 9110 §14.1.1).
  if (end < start) return IGNORE;
  if (start >= size) return UNSATISFIABLE;
  return { kind: "range", start, end: Math.min(end, size - 1) };
}
