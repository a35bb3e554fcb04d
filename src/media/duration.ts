import { InvalidDurationError } from "./errors.js";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * `"90s"`, `"30m"`, `"2h"`, `"7d"` (also `"250ms"`, `"1.5h"`, and `"0"`), or
 * a number of milliseconds -> milliseconds. A bare number in a string is
 * refused: "30" could mean seconds or minutes, and guessing wrong deletes.
 */
export function parseDuration(value: unknown): number {
  if (typeof value === "number") {
    if (Number.isFinite(value) && value >= 0) return value;
    throw new InvalidDurationError(value);
  }
  if (typeof value !== "string") throw new InvalidDurationError(value);
  const text = value.trim();
  if (text === "0") return 0;
  const match = DURATION.exec(text);
  if (!match) throw new InvalidDurationError(value);
  return Math.round(Number(match[1]) * UNIT_MS[match[2]]);
}

/** 3_600_000 -> "1h", 90_000 -> "90s": the largest unit that divides evenly. */
export function formatDuration(ms: number): string {
  for (const unit of ["d", "h", "m", "s"]) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
