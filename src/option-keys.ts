import { ConfigError } from "./errors.js";

/**
 * Option checking shared by every part: a misspelt key must fail where it
 * is written, naming the key and the one it most likely meant, never be
 * silently ignored.
 */

/**
 * Edit distance with adjacent transpositions (optimal string alignment), so
 * `--cleer` is one edit from `--clear` and `maxFilesize` one from `maxFileSize`
 * once case is ignored.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[rows - 1][cols - 1];
}

/**
 * The candidate a mistyped `word` most likely meant, or `undefined` when
 * none is close. Case is ignored; at most one edit per three characters (at
 * least one), or a candidate that `word` begins (`--dry` for `--dry-run`).
 * Leading dashes do not count, so a one-letter flag (`-x`) gets no
 * suggestion: it is one edit from every other.
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const bare = word.replace(/^-+/, "");
  if (bare.length < 2) return undefined;
  const lower = word.toLowerCase();
  const limit = Math.max(1, Math.floor(bare.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const all = [...candidates];
  for (const candidate of all) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= limit) return best;
  if (bare.length < 3) return undefined;
  return all.find((candidate) => candidate.toLowerCase().startsWith(lower));
}

/** ` Did you mean "x"?` for the closest of `known`, or `""`. */
export function suggestion(key: string, known: Iterable<string>, show = (k: string) => k): string {
  const near = closestMatch(key, known);
  return near === undefined ? "" : ` Did you mean "${show(near)}"?`;
}

/**
 * Refuse keys of `options` that `what` (a function or an option's name)
 * does not read: `Unknown option "secrett" for createMediaHandler. Did you
 * mean "secret"? Known options: ...`.
 */
export function refuseUnknownKeys(options: unknown, known: readonly string[], what: string): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ConfigError(`${what} needs an options object, not ${JSON.stringify(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ConfigError(
        `Unknown option "${key}" for ${what}.${suggestion(key, known)} Known options: ${known.join(", ")}.`,
        { key },
      );
    }
  }
}
