import { randomUUID } from "node:crypto";
import { PathTraversalError, StowageError } from "../errors.js";

/** Longest original name kept, in UTF-8 bytes (most filesystems' limit). */
const MAX_NAME_BYTES = 255;

/** `&#x2F;`, `&#47;` and `&amp;`: some clients escape file names as HTML. */
function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]{1,6});/gi, (_, hex: string) => codePoint(Number.parseInt(hex, 16)))
    .replace(/&#([0-9]{1,7});/g, (_, dec: string) => codePoint(Number.parseInt(dec, 10)))
    .replace(/&amp;/gi, "&");
}

function codePoint(value: number): string {
  return value > 0 && value <= 0x10ffff ? String.fromCodePoint(value) : "";
}

/** Cut `name` to `maxBytes` of UTF-8, keeping the extension and whole characters. */
function truncateBytes(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : "";
  let stem = Array.from(name.slice(0, name.length - ext.length));
  while (stem.length > 0 && Buffer.byteLength(stem.join("") + ext) > maxBytes) stem.pop();
  stem = stem.length > 0 ? stem : ["file"];
  return stem.join("") + ext;
}

/**
 * The client's file name made harmless, as Django does: entities decoded,
 * only the last path segment kept (`C:\x\y.txt` -> `y.txt`), control
 * characters dropped, NFC, at most 255 bytes. Never used as a path by
 * itself; `uploadTo` decides where the file goes.
 */
export function sanitizeFilename(raw: string): string {
  const decoded = decodeEntities(raw).normalize("NFC");
  const base = decoded.replace(/\\/g, "/").split("/").pop() ?? "";
  // A drive-relative Windows name (`C:x.txt`) keeps only what follows the colon.
  const noDrive = base.replace(/^[a-zA-Z]:/, "");
  const clean = noDrive.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  if (clean === "" || /^\.+$/.test(clean)) return "unnamed";
  return truncateBytes(clean, MAX_NAME_BYTES);
}

/** Why a client's file name is refused under `filenames: "reject"`. */
export type UnsafeFilenameReason = "folders" | "control characters";

/**
 * Why `raw` is not a plain file name, or `undefined` when it is one. A name
 * with a path separator (`/`, `\`, also HTML-escaped as `&#x2F;`), a drive
 * (`C:`), a `.` or `..` segment, or a control character (NUL included) is
 * refused rather than cut down: browsers send bare names, so anything else
 * comes from a tool or an attacker.
 */
export function unsafeFilenameReason(raw: string): UnsafeFilenameReason | undefined {
  for (const form of new Set([raw, decodeEntities(raw)])) {
    if (/[\u0000-\u001f\u007f]/.test(form)) return "control characters";
    if (/[/\\]/.test(form) || /^[a-zA-Z]:/.test(form)) return "folders";
    if (form.trim() === "." || form.trim() === "..") return "folders";
  }
  return undefined;
}

/** The extension, lower-cased, without the dot; `""` when there is none. */
export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
}

/**
 * A name safe as one storage path segment (Django's `get_valid_filename`):
 * letters, digits, `.`, `_` and `-`; anything else becomes `_`.
 */
export function storageSafeName(name: string): string {
  const safe = sanitizeFilename(name)
    .replace(/\s+/g, "_")
    .replace(/[^\p{L}\p{N}._-]/gu, "_")
    .replace(/^\.+/, "");
  return safe === "" ? "unnamed" : safe;
}

/** Values for `{placeholder}`s in an `uploadTo` template, e.g. `{ user: 42 }`. */
export type UploadContext = Record<string, string | number | bigint | boolean | undefined>;

/** A template string or a function `(context, filename) => name`. */
export type UploadTo = string | ((context: UploadContext, filename: string) => string);

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** The `%` codes Django's `upload_to` understands (strftime); times are UTC. */
function expandDate(template: string, now: Date): string {
  const codes: Record<string, string> = {
    Y: String(now.getUTCFullYear()),
    m: pad(now.getUTCMonth() + 1),
    d: pad(now.getUTCDate()),
    H: pad(now.getUTCHours()),
    M: pad(now.getUTCMinutes()),
    S: pad(now.getUTCSeconds()),
    "%": "%",
  };
  return template.replace(/%([YmdHMS%])/g, (_, code: string) => codes[code]);
}

export class UploadNameError extends StowageError {
  constructor(message: string) {
    super("E_UPLOAD_TO", message, { status: 500 });
  }
}

/** A context value placed into a path must stay one segment. */
function contextSegment(key: string, context: UploadContext): string {
  const value = context[key];
  if (value === undefined || value === "") {
    throw new UploadNameError(
      `The uploadTo placeholder {${key}} has no value; pass it in the context, e.g. { ${key}: ... }.`,
    );
  }
  return storageSafeName(String(value));
}

/** Refuse anything that is not a plain relative `/`-separated name. */
export function assertRelativeName(name: string): string {
  const segments = name.split("/");
  if (
    name === "" ||
    name.startsWith("/") ||
    name.includes("\\") ||
    name.includes("\0") ||
    segments.some((segment) => segment === "" || segment === "." || segment === "..")
  ) {
    throw new PathTraversalError(name);
  }
  return name;
}

/**
 * Where an upload goes: expand `template` (`%Y/%m/%d`, `{uuid}`, `{ext}`,
 * `{name}`, `{stem}`, `{anyContextKey}`) or call the function. A template
 * ending in `/` is a folder: the sanitised file name is appended. The
 * storage's name policy then picks a free variant when the name is taken.
 */
export function uploadName(
  uploadTo: UploadTo,
  filename: string,
  context: UploadContext = {},
  now: Date = new Date(),
): string {
  const safe = storageSafeName(filename);
  if (typeof uploadTo === "function") return assertRelativeName(uploadTo(context, safe));
  const ext = extensionOf(safe);
  const stem = ext === "" ? safe : safe.slice(0, -(ext.length + 1));
  let name = expandDate(uploadTo, now);
  if (ext === "") name = name.replace(/\.\{ext\}/g, "");
  name = name.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (key === "uuid") return randomUUID();
    if (key === "ext") return ext;
    if (key === "name") return safe;
    if (key === "stem") return stem;
    return contextSegment(key, context);
  });
  if (name.endsWith("/")) name += safe;
  return assertRelativeName(name.replace(/^\.\//, ""));
}
