const UNITS = ["bytes", "KB", "MB", "GB", "TB"] as const;

/**
 * Human sizes in 1024 steps, labelled as Django's `filesizeformat` does
 * (`10 MB` is 10 × 1024 × 1024 bytes). `short` drops `.00` from whole
 * numbers, for limits people configured as round values.
 */
export function formatBytes(bytes: number, options: { short?: boolean } = {}): string {
  if (!Number.isFinite(bytes)) return "unlimited";
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text = options.short && Number.isInteger(value) ? String(value) : value.toFixed(2);
  return `${text} ${UNITS[unit]}`;
}

/** Bytes in one mebibyte, for option values: `10 * MB`. */
export const MB = 1024 * 1024;
/** Bytes in one kibibyte. */
export const KB = 1024;
