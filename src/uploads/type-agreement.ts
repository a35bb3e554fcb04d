import { lookup } from "mrmime";

/** Types whose content is text that `text/plain` detection may stand for. */
const TEXTUAL =
  /^(?:text\/(?!html)|application\/(?:json|xml|javascript|x-yaml|yaml|toml|x-ndjson|csv|ld\+json|geo\+json|x-subrip)|image\/svg\+xml$)/;

/** Extensions whose files a browser runs as SVG: refused unless SVG is allowed, whatever the bytes. */
export const SVG_EXTENSIONS = new Set(["svg", "svgz"]);

/**
 * Containers whose magic number is all a sniffer sees, with the extensions
 * of the formats stored inside them. Word, Excel, PowerPoint 97-2003 and
 * Outlook messages are OLE compound files (`application/x-cfb`); Word also
 * saves RTF under `.doc`.
 */
const CONTAINERS: Record<string, string[]> = {
  "application/x-cfb": ["doc", "dot", "xls", "xlt", "ppt", "pps", "pot", "msg", "vsd", "pub"],
  "application/rtf": ["doc", "rtf"],
  "application/zip": ["docx", "xlsx", "pptx", "epub", "odt", "ods", "odp", "jar", "apk"],
};

/** MIME names that tools use interchangeably for one format. */
const SAME_FAMILY: string[][] = [
  ["application/zip", "application/x-zip-compressed"],
  ["audio/mpeg", "audio/mp3"],
  ["video/mp4", "audio/mp4", "video/x-m4v", "audio/x-m4a", "video/quicktime"],
  ["image/heic", "image/heif"],
  ["application/xml", "text/xml"],
  ["application/rtf", "text/rtf"],
];

/** Types the detector always recognises: claiming one with unrecognised bytes is a lie. */
function isSniffable(mime: string): boolean {
  return /^(?:image\/(?:png|jpeg|gif|webp|avif|bmp|tiff|heic|heif)|application\/pdf|video\/mp4|audio\/mpeg|application\/zip)$/.test(
    mime,
  );
}

/**
 * Whether `detected` (from the bytes) may be stored under `extension`.
 * Unknown extensions expect nothing in particular, except that HTML and SVG
 * must carry their own extension: a browser would otherwise run them.
 */
export function typeAgreesWithExtension(detected: string, extension: string): boolean {
  const expected = extension === "" ? undefined : lookup(extension);
  if (detected === "text/html") return expected === "text/html";
  if (detected === "image/svg+xml") return expected === "image/svg+xml";
  if (CONTAINERS[detected]?.includes(extension)) return true;
  // No expectation, or "any bytes" (`.bin`): anything but HTML/SVG may be stored.
  if (expected === undefined || expected === "application/octet-stream") return true;
  if (detected === expected) return true;
  if (detected === "text/plain") return TEXTUAL.test(expected);
  if (detected === "application/octet-stream") return !isSniffable(expected);
  return SAME_FAMILY.some((family) => family.includes(detected) && family.includes(expected));
}

/**
 * Why a file's bytes may not be stored under its name, said so a person can
 * act on it: what the file really is comes first, MIME names last.
 */
export function typeMismatchMessage(file: {
  filename: string;
  extension: string;
  size: number;
  detectedType: string;
  detectedExtension: string;
}): string {
  if (file.size === 0) return "The file is empty.";
  const named = file.extension === "" ? "a file without an extension" : `a .${file.extension} file`;
  if (file.detectedType === "application/octet-stream") {
    return `"${file.filename}" is not ${named}: its content is not a format we recognise.`;
  }
  const real = file.detectedExtension === "" ? file.detectedType : `.${file.detectedExtension}`;
  return `File type ${real} is not allowed as ${named}: "${file.filename}" contains a ${real} file (${file.detectedType}). Upload it with its real extension, or the right file.`;
}
