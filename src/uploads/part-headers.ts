import { MalformedUploadError, UploadSizeError } from "./errors.js";

/** What the parser learns from one part's headers. */
export interface PartInfo {
  /** The form field name, decoded as UTF-8. */
  name: string;
  /** The client's file name, as sent (unsafe); `undefined` for a plain field. */
  filename: string | undefined;
  /** The client's `Content-Type` for the part, lower-cased without parameters. */
  contentType: string | undefined;
}

/**
 * Names that would reach `Object.prototype` in code that copies fields into
 * plain objects (`Object.assign({}, fields)` sets the prototype on `__proto__`).
 */
const RESERVED_NAMES = new Set(["__proto__", "constructor", "prototype"]);

/** Transfer encodings that mean "the bytes are the bytes"; browsers send none at all. */
const IDENTITY_ENCODINGS = new Set(["7bit", "8bit", "binary"]);

const decoder = new TextDecoder("utf-8");

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

/** RFC 5987 `filename*=UTF-8''na%C3%AFve.txt`; `undefined` when it cannot be decoded. */
function decodeExtendedValue(value: string): string | undefined {
  const match = /^([\w!#$%&+^`{}~-]+)'[\w-]*'(.*)$/.exec(value);
  if (!match || !/^utf-8$/i.test(match[1])) return undefined;
  try {
    return decodeURIComponent(match[2]);
  } catch {
    return undefined;
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
  const { type, params } = parseParameters(disposition ?? "");
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
  const extended = params.get("filename*");
  const filename =
    (extended === undefined ? undefined : decodeExtendedValue(extended)) ?? params.get("filename");
  const contentType = headers.get("content-type")?.split(";")[0].trim().toLowerCase() || undefined;
  return { name, filename, contentType };
}
