import type { Readable } from "node:stream";
import type { PresignedUpload, PresignUploadOptions } from "./direct/types.js";

/**
 * A file already on local disk, handed to `save` by path (build it with
 * `localFile()`). The fs driver can then take the file over without copying
 * a byte; other drivers stream it from disk with its size known.
 */
export interface LocalFileContent {
  /** Path of a regular file on this machine (absolute, or relative to the working directory). */
  localPath: string;
  /**
   * The caller gives the file up: after a successful save it no longer
   * exists under `localPath`. The fs driver then hard-links it into place
   * (no copy) when it is on the same filesystem as the root, and copies it
   * otherwise; other drivers upload it and remove it. A failed save leaves
   * the file where it was, for the caller to remove.
   * @default false (the file is copied and left in place)
   */
  move?: boolean;
}

/**
 * Hand a local file to `save` by path: `storage.save(name, localFile(tmp, { move: true }))`
 * moves an upload's temp file into an fs storage without writing its bytes a second time.
 */
export function localFile(localPath: string, options: { move?: boolean } = {}): LocalFileContent {
  if (typeof localPath !== "string" || localPath === "") {
    throw new TypeError("localFile() needs the path of a file on disk.");
  }
  return { localPath, move: options.move ?? false };
}

/**
 * What a caller may hand to `save`: bytes, text, a Node stream, a web stream,
 * an async iterable of chunks, or a file on disk (`localFile()`). Streams
 * are never buffered whole.
 */
export type StorageContent =
  | Uint8Array
  | string
  | Readable
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | LocalFileContent;

export interface SaveOptions {
  /** MIME type stored with the object (clouds) or used when serving. Guessed from the name when absent. */
  contentType?: string;
  /** `Cache-Control` stored with the object (clouds). */
  cacheControl?: string;
  /** `Content-Disposition` stored with the object (clouds). */
  contentDisposition?: string;
  /**
   * Free-form string metadata (e.g. the original upload name). Keys are
   * stored lower-case on every driver and must be letters, digits and `_`
   * (not starting with a digit); values are any Unicode; the whole is at
   * most 2 KB once encoded. Anything else is refused with `E_INVALID_METADATA`.
   */
  metadata?: Record<string, string>;
  /**
   * Replace an existing object of the same name instead of choosing a free name.
   * @default false
   */
  overwrite?: boolean;
  /**
   * Cancels the save: it rejects with `E_ABORTED` (even when the source
   * stalls) and leaves nothing under the final name.
   */
  signal?: AbortSignal;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. Absent: to the end. */
  end?: number;
}

export interface OpenOptions {
  range?: ByteRange;
  signal?: AbortSignal;
}

export interface StorageStat {
  name: string;
  /** Bytes. */
  size: number;
  lastModified: Date;
  contentType?: string;
  /** Driver's entity tag, when it has one. */
  etag?: string;
  metadata?: Record<string, string>;
}

export interface ListEntry {
  name: string;
  size: number;
  lastModified: Date;
}

export interface SignedUrlOptions {
  /**
   * Lifetime of the link: a whole number of seconds from 1 to 604800 (7
   * days, S3's limit); anything else is refused with `E_INVALID_ARGUMENT`.
   * @default 3600
   */
  expiresIn?: number;
  /**
   * `inline` or `attachment`, optionally with a file name (no control
   * characters; non-ASCII is sent as `filename*`).
   * @default "inline"
   */
  disposition?: "inline" | "attachment" | { type: "inline" | "attachment"; filename: string };
}

/**
 * One interface for every backend. Names are `/`-separated relative keys in
 * NFC; the name policy (validation, traversal refusal, no hidden names,
 * never-overwrite) is applied above the drivers, so every driver behaves the same.
 */
export interface Storage {
  /** Saves content under `name` or, when taken, a free variant of it; returns the final name. */
  save(name: string, content: StorageContent, options?: SaveOptions): Promise<string>;
  /** A stream of the object's bytes (optionally a range). Throws `E_NOT_FOUND` when absent. */
  open(name: string, options?: OpenOptions): Promise<Readable>;
  /** The whole object in memory. Throws `E_NOT_FOUND` when absent. */
  read(name: string): Promise<Buffer>;
  /** Deletes the object; deleting a missing name is not an error. */
  delete(name: string): Promise<void>;
  exists(name: string): Promise<boolean>;
  /** Size, dates and type; `null` when the object does not exist. */
  stat(name: string): Promise<StorageStat | null>;
  /** Every object whose name starts with `prefix`, paginated underneath. */
  list(prefix?: string): AsyncIterable<ListEntry>;
  /** The public URL of the object. */
  url(name: string): string;
  /** A URL that grants access until it expires. */
  signedUrl(name: string, options?: SignedUrlOptions): Promise<string>;
  /**
   * A grant for a browser to upload `name` straight to the backend (S3 and
   * GCS presigned POST, Azure SAS). Present only on drivers that have one.
   */
  presignUpload?(name: string, options: PresignUploadOptions): Promise<PresignedUpload>;
  /** Copies `from` to `to` (a free variant of `to` unless `overwrite`); returns the final name. */
  copy(from: string, to: string, options?: { overwrite?: boolean }): Promise<string>;
}
