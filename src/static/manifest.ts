import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { StowageError } from "../errors.js";

/** The manifest's file name inside `static.root` (Django's). */
export const MANIFEST_NAME = "staticfiles.json";
/** Django's manifest format version. */
export const MANIFEST_VERSION = "1.1";

/**
 * `staticfiles.json`, Django's `ManifestStaticFilesStorage` format plus an
 * `integrity` map for Subresource Integrity.
 */
export interface Manifest {
  /** Original relative path -> hashed relative path. */
  paths: Record<string, string>;
  version: string;
  /** Hash over all `paths`, so a changed deploy is visible at a glance. */
  hash: string;
  /** Hashed relative path -> `sha384-<base64>`. */
  integrity?: Record<string, string>;
}

export class ManifestError extends StowageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("E_MANIFEST", message, options);
  }
}

/** Build a manifest object from the path map (the `hash` is derived). */
export function buildManifest(
  paths: Record<string, string>,
  integrity?: Record<string, string>,
): Manifest {
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : 1)));
  const hash = createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 12);
  const manifest: Manifest = { paths: sorted, version: MANIFEST_VERSION, hash };
  if (integrity) {
    manifest.integrity = Object.fromEntries(
      Object.entries(integrity).sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  }
  return manifest;
}

/** Parse and check a manifest's text. */
export function parseManifest(text: string, source = MANIFEST_NAME): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`${source}: not valid JSON.`, { cause: error });
  }
  const manifest = data as Manifest;
  if (typeof manifest !== "object" || manifest === null || typeof manifest.paths !== "object") {
    throw new ManifestError(`${source}: missing the "paths" object.`);
  }
  if (manifest.version !== MANIFEST_VERSION && manifest.version !== "1.0") {
    throw new ManifestError(`${source}: unsupported manifest version ${String(manifest.version)}.`);
  }
  return manifest;
}

/** Read `<root>/staticfiles.json`; `null` when there is none. */
export function readManifestSync(root: string): Manifest | null {
  const file = path.join(root, MANIFEST_NAME);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return parseManifest(text, file);
}

/** The manifest as written to `staticfiles.json`. */
export function manifestText(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
