import os from "node:os";
import type { CompressionFormat } from "../../config/types.js";
import { ConfigError } from "../../errors.js";
import type { CodecSettings } from "./codecs.js";
import { CompressionUnavailableError } from "./errors.js";
import { ZSTD_PACKAGE, zstdSource } from "./zstd.js";

/** Options of {@link createCompressor}. */
export interface CompressorOptions {
  /** Variants to produce for each file, e.g. `["br", "gzip"]`. `[]` produces none. */
  formats: CompressionFormat[];
  /**
   * Worker threads compressing in parallel (started on demand, at most one per
   * file in flight).
   * @default os.availableParallelism()
   */
  workers?: number;
  /**
   * Brotli quality, 0–11. The default trades 1.5% of size for 2.4x the speed
   * of quality 11. Measured on 2,319 text files, 22.6 MB (Django admin,
   * Bootstrap, Font Awesome, KaTeX, Bootstrap Icons), one thread, Node 20:
   * q11 33.3 s, 4.93 MB (21.83%); q10 13.9 s, 5.00 MB (22.16%); q9 24.6 s,
   * 5.40 MB (23.93%, slower *and* bigger than q10); q5 0.5 s, 5.60 MB. A
   * 16 MiB window (lgwin 24) or a size hint changed no file's size.
   * @default 10
   */
  brotliQuality?: number;
  /** gzip level, 1–9 (level 9 took under a second on the corpus above). @default 9 */
  gzipLevel?: number;
  /** zstd level, 1–22; 19 is the usual ceiling for precompressed files. @default 19 */
  zstdLevel?: number;
}

/** Options with every default filled in and every value checked. */
export interface ResolvedCompressorOptions extends CodecSettings {
  workers: number;
}

const KNOWN_FORMATS: readonly CompressionFormat[] = ["br", "gzip", "zstd"];

/** The formats this process can produce: br and gzip always, zstd when Node or an installed package provides it. */
export function availableFormats(): CompressionFormat[] {
  return zstdSource() ? ["br", "gzip", "zstd"] : ["br", "gzip"];
}

/** Throws a typed error naming the fix when a format cannot be produced here. */
export function assertFormatsAvailable(
  formats: readonly CompressionFormat[],
  available: readonly CompressionFormat[],
): void {
  for (const format of formats) {
    if (available.includes(format)) continue;
    const hint =
      format === "zstd"
        ? `this Node (${process.version}) has no built-in zstd (Node >= 22.15 has) and the optional package "${ZSTD_PACKAGE}" is not installed. Install it with: npm install ${ZSTD_PACKAGE}, or remove "zstd" from static.compress.`
        : "this format is not supported here.";
    throw new CompressionUnavailableError(format, hint);
  }
}

/** Checks the options and fills the defaults, once. */
export function resolveCompressorOptions(
  options: CompressorOptions,
  available: readonly CompressionFormat[] = availableFormats(),
): ResolvedCompressorOptions {
  if (!Array.isArray(options.formats)) {
    throw new ConfigError(
      `formats must be an array such as ["br", "gzip"]; got ${describe(options.formats)}.`,
      { key: "formats" },
    );
  }
  for (const format of options.formats) {
    if (!KNOWN_FORMATS.includes(format)) {
      throw new ConfigError(`formats may hold "br", "gzip" and "zstd"; got ${describe(format)}.`, {
        key: "formats",
      });
    }
  }
  const formats = [...new Set(options.formats)];
  assertFormatsAvailable(formats, available);
  return {
    formats,
    workers: integerIn("workers", options.workers ?? os.availableParallelism(), 1, 256),
    brotliQuality: integerIn("brotliQuality", options.brotliQuality ?? 10, 0, 11),
    gzipLevel: integerIn("gzipLevel", options.gzipLevel ?? 9, 1, 9),
    zstdLevel: integerIn("zstdLevel", options.zstdLevel ?? 19, 1, 22),
  };
}

function integerIn(key: string, value: unknown, min: number, max: number): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) {
    return value;
  }
  throw new ConfigError(
    `${key} must be a whole number from ${min} to ${max}; got ${describe(value)}.`,
    {
      key,
    },
  );
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
