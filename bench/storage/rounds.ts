// Fair timing of several sides doing the same work: a warm-up round each, then
// `reps` measured rounds whose order rotates, and the median per side.

/** One unit of work, called for index 0..count-1. */
export type Task = (index: number) => Promise<unknown>;
/** Makes a fresh task for one round (new folder, new prefix), outside the timed part. */
export type Side = (round: string) => Promise<Task>;

export interface RoundOptions {
  /** Tasks per measured round. */
  count: number;
  /** Tasks in the warm-up round of each side. */
  warmup: number;
  /** Measured rounds per side; the median is kept. */
  reps: number;
  /** Tasks in flight at once. */
  concurrency: number;
}

/** Runs `task(i)` for i < count with at most `concurrency` in flight; returns seconds. */
export async function timed(count: number, concurrency: number, task: Task): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Median seconds per side. Round r runs the sides rotated by r, so no side
 * always goes first (cold caches) or last (a fuller disk, a busier GC).
 */
export async function compare(
  sides: Record<string, Side>,
  options: RoundOptions,
): Promise<Record<string, number>> {
  const names = Object.keys(sides);
  for (const name of names) {
    await timed(options.warmup, options.concurrency, await sides[name](`warm-${name}`));
  }
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let rep = 0; rep < options.reps; rep++) {
    const order = names.map((_, i) => names[(i + rep) % names.length]);
    for (const name of order) {
      const task = await sides[name](`r${rep}-${name}`);
      samples[name].push(await timed(options.count, options.concurrency, task));
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(samples[name])]));
}
