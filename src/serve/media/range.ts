/** A single satisfiable byte range, inclusive at both ends. */
export interface ResolvedRange {
  start: number;
  end: number;
}

/**
 * Read a `Range` header against a size. `null`: serve the whole file (no
 * header, another unit, several ranges, or a malformed header, as RFC 9110
 * allows ignoring); `"unsatisfiable"`: answer 416.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ResolvedRange | "unsatisfiable" | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, first, last] = match;
  if (first === "" && last === "") return null;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== "" && Number(last) < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end };
}
