import { lookup } from "mrmime";

/**
 * The part of a Storage that collect needs. Declared here, not imported, so
 * the static pipeline stays independent of `stowage/storage`; any `Storage`
 * fits.
 */
export interface CollectStorage {
  exists(name: string): Promise<boolean>;
  save(
    name: string,
    content: Uint8Array,
    options: { contentType?: string; cacheControl?: string; overwrite?: boolean },
  ): Promise<string>;
}

/** Hashed names never change content: cache them for ten years, as nginx and WhiteNoise do. */
export const IMMUTABLE_CACHE_CONTROL = "public, max-age=315360000, immutable";
/** Unhashed names may change on the next deploy. */
export const SHORT_CACHE_CONTROL = "public, max-age=60";

const TEXT_TYPES = /^(text\/|application\/(javascript|json|xml|manifest\+json)|image\/svg\+xml)/;

/** Content-Type for an uploaded static file, with a charset for text. */
export function staticContentType(name: string): string {
  const type = lookup(name) ?? "application/octet-stream";
  return TEXT_TYPES.test(type) ? `${type}; charset=utf-8` : type;
}

export interface RemoteFile {
  path: string;
  content: Uint8Array;
  hashed: boolean;
}

/**
 * Upload one collected file. A hashed name that already exists holds the same
 * bytes (the name is the content's hash), so it is skipped; returns whether
 * anything was sent.
 */
export async function uploadFile(storage: CollectStorage, file: RemoteFile): Promise<boolean> {
  if (file.hashed && (await storage.exists(file.path))) return false;
  await storage.save(file.path, file.content, {
    overwrite: true,
    contentType: staticContentType(file.path),
    cacheControl: file.hashed ? IMMUTABLE_CACHE_CONTROL : SHORT_CACHE_CONTROL,
  });
  return true;
}

/** Upload the manifest last, uncached, so clients never see names before their files. */
export async function uploadManifest(storage: CollectStorage, name: string, text: string) {
  await storage.save(name, new TextEncoder().encode(text), {
    overwrite: true,
    contentType: "application/json",
    cacheControl: "no-cache",
  });
}
