import { availableParallelism } from "node:os";
import { ConfigError } from "../errors.js";

/**
 * One process-wide budget of image decodes. Each decode holds its pixels
 * (up to the worst case the README gives) until its outputs are encoded, so
 * the process's image memory is that figure times this many, however many
 * uploads and lazy variant requests arrive at once; the rest wait in order.
 */
let limit = availableParallelism();
let active = 0;
const waiting: (() => void)[] = [];

/** What the decode budget is doing now: for metrics, and for tests. */
export interface DecodeActivity {
  /** Decodes allowed at once. */
  limit: number;
  /** Decodes running. */
  active: number;
  /** Renders queued for a slot. */
  waiting: number;
}

export function decodeActivity(): DecodeActivity {
  return { limit, active, waiting: waiting.length };
}

/**
 * Sets how many images this process decodes at once (every `makeVariants`,
 * `renderVariant` (so every lazy variant request), `renderImages` and
 * `transformImage` takes a slot). Raising it lets queued renders start.
 * @default the number of CPU cores (`os.availableParallelism()`)
 */
export function setMaxConcurrentDecodes(value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(
      `maxConcurrentDecodes must be a whole number of at least 1; found ${JSON.stringify(value)}.`,
      { key: "maxConcurrentDecodes" },
    );
  }
  limit = value;
  while (active < limit && waiting.length > 0) {
    active += 1;
    waiting.shift()!();
  }
}

function release(): void {
  // After the limit was lowered, slots are given back until it holds again.
  if (active > limit || waiting.length === 0) active -= 1;
  else waiting.shift()!(); // the slot passes straight to the next in line
}

/**
 * Runs `work` while holding one decode slot, waiting for one if all are
 * taken. Use it around an app's own sharp work so it shares the budget.
 * Slots are never nested: work inside a slot must not ask for another.
 */
export async function withDecodeSlot<T>(work: () => Promise<T>): Promise<T> {
  if (active < limit) active += 1;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await work();
  } finally {
    release();
  }
}
