import zlib from "node:zlib";
import type { CompressionFormat } from "../../config/types.js";
import { extensionOf, isWorthKeeping } from "./skip.js";
import type { ZstdCompress } from "./zstd.js";

/** Levels for each format, already validated. */
export interface CodecSettings {
  formats: CompressionFormat[];
  brotliQuality: number;
  gzipLevel: number;
  zstdLevel: number;
}

/** Byte 9 of a gzip header names the OS that wrote it; zlib fills in the build platform's. */
const GZIP_OS_BYTE = 9;
/** RFC 1952's "unknown" OS, the same on every machine. */
const GZIP_OS_UNKNOWN = 255;

/**
 * gzip with bytes that depend only on the input and the level: zlib writes a
 * zero mtime and no file name already, and the OS byte is pinned here so a
 * build on Windows and one on Linux produce the same file.
 */
export function gzip(content: Uint8Array, level: number): Uint8Array {
  const out = zlib.gzipSync(content, { level });
  out[GZIP_OS_BYTE] = GZIP_OS_UNKNOWN;
  return out;
}

/** TrueType-family fonts get brotli's font model, text its text model, everything else the generic one. */
const FONT_EXTENSIONS = new Set(["ttf", "otf", "eot", "ttc"]);
/** UTF-8 text: the text model skips work meant for binary data (about 5% faster, same size). */
const TEXT_EXTENSIONS = new Set([
  "css",
  "js",
  "mjs",
  "cjs",
  "map",
  "json",
  "svg",
  "html",
  "htm",
  "txt",
  "xml",
  "md",
  "csv",
  "ts",
]);

function brotliMode(path: string): number {
  const extension = extensionOf(path);
  if (FONT_EXTENSIONS.has(extension)) return zlib.constants.BROTLI_MODE_FONT;
  if (TEXT_EXTENSIONS.has(extension)) return zlib.constants.BROTLI_MODE_TEXT;
  return zlib.constants.BROTLI_MODE_GENERIC;
}

/** Brotli of a whole file. Deterministic for a given input, quality and mode. */
export function brotli(content: Uint8Array, quality: number, path: string): Uint8Array {
  return zlib.brotliCompressSync(content, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: quality,
      [zlib.constants.BROTLI_PARAM_MODE]: brotliMode(path),
      // Lets the encoder size its window and tables to the file; cheap for small files.
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: content.byteLength,
    },
  });
}

/**
 * Every asked-for variant of one file that clears the 95% rule. `zstd` must be
 * given when `settings.formats` has "zstd".
 */
export function compressVariants(
  content: Uint8Array,
  path: string,
  settings: CodecSettings,
  zstd: ZstdCompress | undefined,
): Partial<Record<CompressionFormat, Uint8Array>> {
  const variants: Partial<Record<CompressionFormat, Uint8Array>> = {};
  for (const format of settings.formats) {
    const compressed = encode(format, content, path, settings, zstd);
    if (isWorthKeeping(content.byteLength, compressed.byteLength)) variants[format] = compressed;
  }
  return variants;
}

function encode(
  format: CompressionFormat,
  content: Uint8Array,
  path: string,
  settings: CodecSettings,
  zstd: ZstdCompress | undefined,
): Uint8Array {
  switch (format) {
    case "br":
      return brotli(content, settings.brotliQuality, path);
    case "gzip":
      return gzip(content, settings.gzipLevel);
    case "zstd":
      if (!zstd) throw new Error("zstd is not available in this worker");
      return zstd(content, settings.zstdLevel);
  }
}
