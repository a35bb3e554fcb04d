import { MalformedUploadError, UploadSizeError } from "./errors.js";

/** What the parser learns from one part's headers. */
export interface PartInfo {
  /** The form field name, decoded as UTF-8. */
  name: string;
  /** The client's file name, as sent (unsafe); `undefined` for a plain field. */
  filename: string | undefined;
  /** The client's `Content-Type` for the part, lower-cased without parameters. */
  contentType: string | undefined;
  /**
   * The part's declared `charset` (RFC 7578 4.4), which decodes a field's
   * value (`fieldDecoder`); `undefined` for UTF-8. A charset nobody knows is
   * refused with the headers.
   */
  charset: string | undefined;
}

/**
 * Names that would reach `Object.prototype` in code that copies fields into
 * plain objects (`Object.assign({}, fields)` sets the prototype on `__proto__`).
 */
const RESERVED_NAMES = new Set(["__proto__", "constructor", "prototype"]);

/** Transfer encodings that mean "the bytes are the bytes"; browsers send none at all. */
const IDENTITY_ENCODINGS = new Set(["7bit", "8bit", "binary"]);

const decoder = new TextDecoder("utf-8");

/** Headers a part may carry once: two of them would make the part mean two things. */
const SINGLE_HEADERS = new Set([
  "content-disposition",
  "content-type",
  "content-transfer-encoding",
]);

/** Split a header line's parameters (`form-data; name="a"; filename="b"`), honouring quotes. */
export function parseParameters(value: string): {
  type: string;
  params: Map<string, string>;
  /** Keys that appeared more than once (only the first value is kept). */
  duplicates: Set<string>;
} {
  const params = new Map<string, string>();
  const duplicates = new Set<string>();
  const semicolon = value.indexOf(";");
  const type = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  let index = semicolon === -1 ? value.length : semicolon + 1;
  while (index < value.length) {
    while (value[index] === " " || value[index] === "\t" || value[index] === ";") index += 1;
    const equals = value.indexOf("=", index);
    if (equals === -1) break;
    const key = value.slice(index, equals).trim().toLowerCase();
    index = equals + 1;
    let parsed = "";
    if (value[index] === '"') {
      index += 1;
      while (index < value.length && value[index] !== '"') {
        // Browsers send a backslash literally (Windows paths), so only `\"` and `\\` are escapes.
        if (value[index] === "\\" && (value[index + 1] === '"' || value[index + 1] === "\\")) {
          index += 1;
        }
        parsed += value[index];
        index += 1;
      }
      index += 1;
    } else {
      const end = value.indexOf(";", index);
      parsed = value.slice(index, end === -1 ? value.length : end).trim();
      index = end === -1 ? value.length : end;
    }
    if (params.has(key)) duplicates.add(key);
    else if (key !== "") params.set(key, parsed);
  }
  return { type, params, duplicates };
}

/**
 * An RFC 5987 extended value (`filename*=UTF-8''na%C3%AFve.txt`). RFC 7578
 * tells form senders not to use it, but some HTTP libraries still do; the
 * two charsets every recipient must know (RFC 6266) are decoded, anything
 * else is refused rather than guessed at or dropped.
 */
function decodeExtendedValue(value: string, field: string): string {
  const match = /^([\w!#$%&+^`{}~-]+)'[\w-]*'(.*)$/.exec(value);
  const charset = match?.[1].toLowerCase();
  const refuse = (why: string) =>
    new MalformedUploadError(
      `The file name of "${field}" is sent as filename*=${value.slice(0, 40)}, ${why}; send it as filename="..." in UTF-8, as browsers do.`,
      { field },
    );
  if (!match) throw refuse("which is not a valid extended value");
  if (charset !== "utf-8" && charset !== "iso-8859-1") throw refuse(`in charset ${match[1]}`);
  if (!/^(?:[^%]|%[0-9a-fA-F]{2})*$/.test(match[2])) throw refuse("which is not validly escaped");
  const bytes = Buffer.concat(
    (match[2].match(/%[0-9a-fA-F]{2}|[^%]+/g) ?? []).map((piece) =>
      piece[0] === "%" ? Buffer.from([Number.parseInt(piece.slice(1), 16)]) : Buffer.from(piece),
    ),
  );
  if (charset === "iso-8859-1") return bytes.toString("latin1");
  const decoded = new TextDecoder("utf-8", { fatal: true });
  try {
    return decoded.decode(bytes);
  } catch {
    throw refuse("which is not valid UTF-8");
  }
}

// `ignoreBOM`: a value starting with U+FEFF keeps it, as the client sent it.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** How a field's bytes become text: its part's `charset`, or UTF-8. */
export function fieldDecoder(charset: string | undefined, field: string): TextDecoder {
  if (charset === undefined || /^utf-?8$/i.test(charset)) return utf8;
  try {
    return new TextDecoder(charset, { ignoreBOM: true });
  } catch {
    throw new MalformedUploadError(
      `Field "${field}" declares the charset "${charset.slice(0, 40)}", which is not known; send UTF-8.`,
      { field },
    );
  }
}

/** Header lines of one part, keyed by lower-case name; folded lines are joined. */
function splitHeaderLines(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  let last: string | undefined;
  for (const line of block.split("\r\n")) {
    if (line === "") continue;
    if ((line[0] === " " || line[0] === "\t") && last !== undefined) {
      headers.set(last, `${headers.get(last)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) {
      throw new MalformedUploadError(
        `A form part has a header line without a name ("${line.slice(0, 40)}"); the body is not valid multipart/form-data.`,
      );
    }
    last = line.slice(0, colon).trim().toLowerCase();
    if (headers.has(last) && SINGLE_HEADERS.has(last)) {
      throw new MalformedUploadError(
        `A form part has two ${last} headers; which one counts would be a guess, so the body is refused.`,
      );
    }
    if (!headers.has(last)) headers.set(last, line.slice(colon + 1).trim());
  }
  return headers;
}

/** Refuse field names that are empty, too long, or would reach `Object.prototype`. */
export function checkFieldName(name: string, maxFieldNameSize: number): void {
  if (name === "") {
    throw new MalformedUploadError(
      "A form part has an empty field name; every field needs a name.",
    );
  }
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    const shown = name.replace(
      /[\u0000-\u001f\u007f]/g,
      (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`,
    );
    throw new MalformedUploadError(
      `The field name "${shown.slice(0, 100)}" holds control characters; field names must be plain text.`,
    );
  }
  const nameBytes = Buffer.byteLength(name);
  if (nameBytes > maxFieldNameSize) {
    throw new UploadSizeError("fieldNameSize", maxFieldNameSize, nameBytes, { complete: true });
  }
  if (RESERVED_NAMES.has(name)) {
    throw new MalformedUploadError(`The field name "${name}" is reserved; rename the field.`, {
      field: name,
    });
  }
}

/** Turn one part's raw header block into what the upload needs, refusing what it cannot trust. */
export function parsePartHeaders(raw: Uint8Array, maxFieldNameSize: number): PartInfo {
  const headers = splitHeaderLines(decoder.decode(raw));
  const disposition = headers.get("content-disposition");
  const { type, params, duplicates } = parseParameters(disposition ?? "");
  if (duplicates.size > 0) {
    const keys = [...duplicates].join(", ");
    throw new MalformedUploadError(
      `A form part's Content-Disposition gives ${keys} more than once; which one counts would be a guess, so the body is refused.`,
    );
  }
  const name = params.get("name");
  if (disposition === undefined || type !== "form-data" || name === undefined) {
    throw new MalformedUploadError(
      'A form part has no "Content-Disposition: form-data; name=..." header; the body is not valid multipart/form-data.',
    );
  }
  checkFieldName(name, maxFieldNameSize);
  const encoding = headers.get("content-transfer-encoding")?.toLowerCase();
  if (encoding !== undefined && !IDENTITY_ENCODINGS.has(encoding)) {
    throw new MalformedUploadError(
      `Field "${name}" uses Content-Transfer-Encoding: ${encoding.slice(0, 40)}, which is not supported; send the raw bytes as browsers do.`,
      { field: name },
    );
  }
  // RFC 6266: when both are given, the extended form wins (it can carry any character).
  const extended = params.get("filename*");
  const filename =
    extended === undefined ? params.get("filename") : decodeExtendedValue(extended, name);
  const typeHeader = parseParameters(headers.get("content-type") ?? "");
  const contentType = typeHeader.type || undefined;
  const charset = typeHeader.params.get("charset");
  // Refused now, before any of the value is read, when no decoder knows the charset.
  const known = fieldDecoder(charset, name) === utf8 ? undefined : charset?.toLowerCase();
  return { name, filename, contentType, charset: known };
}
