/**
 * Files smaller than this many bytes get no compressed variants.
 *
 * Why 100: a variant only pays when it saves more than the response headers it
 * adds (`Content-Encoding: br` plus `Vary: Accept-Encoding`, about 45 bytes).
 * Even repetitive CSS of 100 bytes shrinks by only ~36 bytes with brotli and
 * gzip makes it bigger, so smaller files cannot win. The threshold stays low on
 * purpose: the smallest file in the benchmark corpus (Django admin, Bootstrap,
 * Font Awesome, KaTeX, Bootstrap Icons) that WhiteNoise compresses is a
 * 168-byte icon, and every file WhiteNoise serves compressed we serve
 * compressed too.
 */
export const MIN_COMPRESS_SIZE = 100;

/**
 * Extensions of formats that are compressed already: images, web fonts in
 * WOFF/WOFF2, archives, zip-based documents, audio and video. Compressing them
 * again burns time and almost never clears the 95% rule. Formats that do
 * compress well stay off the list on purpose: SVG, ICO and BMP images, TTF,
 * OTF and EOT fonts, WASM, source maps, PDF (decided per file by the 95% rule).
 */
export const PRECOMPRESSED_EXTENSIONS: ReadonlySet<string> = new Set([
  // images
  "png",
  "apng",
  "jpg",
  "jpeg",
  "jpe",
  "jfif",
  "pjpeg",
  "gif",
  "webp",
  "avif",
  "heic",
  "heif",
  "jxl",
  "jp2",
  "svgz",
  // fonts
  "woff",
  "woff2",
  // archives and compressed streams
  "zip",
  "gz",
  "tgz",
  "bz2",
  "tbz",
  "tbz2",
  "xz",
  "txz",
  "lz",
  "lzma",
  "lz4",
  "zst",
  "br",
  "7z",
  "rar",
  "jar",
  "war",
  "apk",
  "whl",
  "epub",
  // zip-based office documents
  "docx",
  "xlsx",
  "pptx",
  "odt",
  "ods",
  "odp",
  // audio and video
  "mp3",
  "m4a",
  "aac",
  "ogg",
  "oga",
  "opus",
  "flac",
  "mp4",
  "m4v",
  "mov",
  "webm",
  "mkv",
  "ogv",
  "avi",
  "wmv",
  "asf",
  "flv",
  "swf",
  "3gp",
  "3gpp",
  "3g2",
  "mpg",
  "mpeg",
]);

/** The lower-case extension of the last path segment, without the dot; `""` when there is none. */
export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  // A leading dot names a hidden file (".htaccess"), not an extension.
  return dot <= 0 ? "" : base.slice(dot + 1).toLowerCase();
}

/**
 * Whether a file is worth compressing at all: not a format that is compressed
 * already and not smaller than {@link MIN_COMPRESS_SIZE} bytes. Whether a
 * variant is kept is decided later, from its real size (the 95% rule).
 *
 * @param path relative path of the file (`/`-separated); only its extension matters
 * @param size the file's size in bytes
 */
export function shouldCompress(path: string, size: number): boolean {
  if (size < MIN_COMPRESS_SIZE) return false;
  return !PRECOMPRESSED_EXTENSIONS.has(extensionOf(path));
}

/**
 * The 95% rule: a variant is kept only when it is at most 95% of the
 * original's size, so clients never pay decompression for a token saving.
 */
export function isWorthKeeping(originalSize: number, compressedSize: number): boolean {
  return compressedSize * 100 <= originalSize * 95;
}
