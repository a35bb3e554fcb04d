import { fileTypeFromBuffer } from "file-type";
import { sniffMarkup } from "./sniff-markup.js";

export { typeAgreesWithExtension } from "./type-agreement.js";

/** Leading bytes file-type needs for magic numbers. */
const MAGIC_BYTES = 4100;
/**
 * Leading bytes read to find the first element of a markup file: far more
 * than a browser's sniffing window, so padding or a long DOCTYPE before
 * `<svg` does not hide it. Past this, an unfinished prolog counts as HTML.
 */
export const SNIFF_BYTES = 64 * 1024;

/** What the bytes are: a MIME type and its usual extension (`""` when unknown). */
export interface SniffedType {
  mime: string;
  ext: string;
}

const MARKUP_EXTENSIONS: Record<string, string> = {
  "image/svg+xml": "svg",
  "text/html": "html",
  "application/xml": "xml",
  "text/plain": "txt",
};

function looksLikeText(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte === 0 || byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) return false;
  }
  return true;
}

/** Text in UTF-8 or, with a byte order mark, UTF-16 (an XML parser reads both). */
function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  if (!looksLikeText(bytes.subarray(0, MAGIC_BYTES))) return undefined;
  // The decoder drops a UTF-8 byte order mark.
  return new TextDecoder("utf-8").decode(bytes);
}

/**
 * The type of a file from its first bytes (up to `SNIFF_BYTES`): magic
 * numbers via file-type, then markup as a browser finds it (SVG, HTML,
 * other XML), then plain text; `application/octet-stream` when nothing
 * matches. `complete` says whether `bytes` is the whole file (only its first
 * `SNIFF_BYTES` are read either way).
 */
export async function sniffType(bytes: Uint8Array, complete = true): Promise<SniffedType> {
  const view = bytes.subarray(0, SNIFF_BYTES);
  const whole = complete && view.length === bytes.length;
  const text = () => {
    const decoded = view.length === 0 ? undefined : decodeText(view);
    const mime = decoded === undefined ? undefined : (sniffMarkup(decoded, whole) ?? "text/plain");
    return mime === undefined ? undefined : { mime, ext: MARKUP_EXTENSIONS[mime] };
  };
  // A UTF-16 byte order mark also reads as an MP3 frame header: markup must win there.
  const utf16 = (view[0] === 0xff && view[1] === 0xfe) || (view[0] === 0xfe && view[1] === 0xff);
  const markup = utf16 ? text() : undefined;
  if (markup && markup.mime !== "text/plain") return markup;
  const found = await fileTypeFromBuffer(view.subarray(0, MAGIC_BYTES));
  if (found && found.mime !== "application/xml") return { mime: found.mime, ext: found.ext };
  return text() ?? { mime: "application/octet-stream", ext: "" };
}

/**
 * The MIME type the bytes really are (see `sniffType`). Pass the whole file
 * or at least its first `SNIFF_BYTES` bytes.
 */
export async function detectContentType(bytes: Uint8Array): Promise<string> {
  return (await sniffType(bytes, bytes.length <= SNIFF_BYTES)).mime;
}
