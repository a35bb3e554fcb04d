/**
 * Edit distance with adjacent transpositions (optimal string alignment), so
 * `--cleer` is one edit from `--clear` and `--hlep` one from `--help`.
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
 * none is close: at most one edit per three characters (at least one), or
 * a candidate that `word` begins (`--dry` for `--dry-run`). A one-letter
 * flag (`-x`) is one edit from every other, so it gets no suggestion.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const bare = word.replace(/^-+/, "");
  if (bare.length < 2) return undefined;
  const limit = Math.max(1, Math.floor(bare.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= limit) return best;
  if (bare.length < 3) return undefined;
  return candidates.find((candidate) => candidate.startsWith(word));
}
