import { fileTypeFromBuffer } from "file-type";
import { lookup } from "mrmime";

/** How many leading bytes are kept for type detection (file-type's own need). */
export const SNIFF_BYTES = 4100;

const HTML_START =
  /^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<script[\s>]|<iframe[\s>]|<a\s|<div[\s>]|<title>|<meta\s|<style[\s>]|<!--)/i;
const SVG_START =
  /^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!doctype\s+svg[^>]*>\s*)?<svg[\s>]/i;

function looksLikeText(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte === 0 || byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) return false;
  }
  return true;
}

/** Text formats file-type does not cover: SVG and HTML matter for safety, the rest is plain text. */
function sniffText(head: Uint8Array): string | undefined {
  if (head.length === 0 || !looksLikeText(head)) return undefined;
  const text = new TextDecoder("utf-8").decode(head).replace(/^\uFEFF/, "");
  if (SVG_START.test(text)) return "image/svg+xml";
  if (HTML_START.test(text)) return "text/html";
  return "text/plain";
}

/**
 * The type the bytes really are, from their first bytes (magic numbers via
 * file-type, then a small text check for SVG/HTML/plain text);
 * `application/octet-stream` when nothing matches.
 */
export async function detectContentType(head: Uint8Array): Promise<string> {
  const found = await fileTypeFromBuffer(head);
  // file-type calls any XML document XML; an SVG among them must be recognised as one.
  if (found?.mime === "application/xml" && sniffText(head) === "image/svg+xml")
    return "image/svg+xml";
  if (found) return found.mime;
  return sniffText(head) ?? "application/octet-stream";
}

/** Types whose content is text that `text/plain` detection may stand for. */
const TEXTUAL =
  /^(?:text\/(?!html)|application\/(?:json|xml|javascript|x-yaml|yaml|toml|x-ndjson|csv|ld\+json|geo\+json|x-subrip)|image\/svg\+xml$)/;

/**
 * Whether `detected` (from the bytes) may be stored under `extension`.
 * Unknown extensions expect nothing in particular, except that HTML and SVG
 * must carry their own extension: a browser would otherwise run them.
 */
export function typeAgreesWithExtension(detected: string, extension: string): boolean {
  const expected = extension === "" ? undefined : lookup(extension);
  if (detected === "text/html") return expected === "text/html";
  if (detected === "image/svg+xml") return expected === "image/svg+xml";
  // No expectation, or "any bytes" (`.bin`): anything but HTML/SVG may be stored.
  if (expected === undefined || expected === "application/octet-stream") return true;
  if (detected === expected) return true;
  if (detected === "text/plain") return TEXTUAL.test(expected);
  if (detected === "application/octet-stream") return !isSniffable(expected);
  return SAME_FAMILY.some((family) => family.includes(detected) && family.includes(expected));
}

/** Types the detector always recognises: claiming one with unrecognised bytes is a lie. */
function isSniffable(mime: string): boolean {
  return /^(?:image\/(?:png|jpeg|gif|webp|avif|bmp|tiff|heic|heif)|application\/pdf|video\/mp4|audio\/mpeg|application\/zip)$/.test(
    mime,
  );
}

/** MIME names that tools use interchangeably for one format. */
const SAME_FAMILY: string[][] = [
  ["application/zip", "application/x-zip-compressed"],
  ["audio/mpeg", "audio/mp3"],
  ["video/mp4", "audio/mp4", "video/x-m4v", "audio/x-m4a", "video/quicktime"],
  ["image/heic", "image/heif"],
  ["application/xml", "text/xml"],
  // Office files are zip containers; older file-type versions report only the container.
  [
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/epub+zip",
  ],
];
