import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { Readable } from "node:stream";
import type { PresignedUpload, PresignUploadOptions } from "./direct/types.js";
import type {
  ByteRange,
  ListEntry,
  LocalFileContent,
  SaveOptions,
  SignedUrlOptions,
  StorageContent,
  StorageStat,
} from "./types.js";

/** What a driver stores beside the bytes; the policy layer has already checked the name. */
export type DriverWriteOptions = Omit<SaveOptions, "overwrite">;

/**
 * What a driver is asked to write: the bytes themselves when the caller handed
 * `save` bytes or text (one write call, no stream plumbing), a file on disk
 * (only to drivers with `acceptsLocalFiles`), else a stream.
 */
export type DriverBody = Buffer | Readable | LocalFileContent;

/**
 * A dumb backend. It sees only names the policy layer validated, returns
 * `null`/`false` for a real not-found, and throws anything else unchanged
 * (the policy layer wraps it). One file per driver under `drivers/`.
 */
export interface StorageDriver {
  /** `fs`, `memory`, `s3`, ... used in error messages. */
  readonly kind: string;
  /**
   * Write `body` under `key`. With `ifNoneMatch`, the write must fail with
   * `NameTakenError` when `key` exists, and must never replace an object
   * another save created meanwhile: atomically where the backend can, by a
   * driver-side protocol where it cannot (S3 clones that ignore If-None-Match).
   */
  put(
    key: string,
    body: DriverBody,
    options: DriverWriteOptions & { ifNoneMatch?: boolean },
  ): Promise<void>;
  /**
   * Write `body` once and commit it under the first free name of
   * `candidates`; return that name. Drivers that can re-link written bytes
   * (fs, memory) implement this so concurrent saves never need a replay.
   */
  createFirstFree?(
    candidates: Iterator<string>,
    body: DriverBody,
    options: DriverWriteOptions,
  ): Promise<string>;
  /**
   * Whether `put` and `createFirstFree` take a `Buffer` body for content the
   * caller handed over in memory. Drivers without it always get a stream, so
   * drivers written before this option keep working.
   */
  readonly acceptsBytes?: boolean;
  /**
   * Whether `put` and `createFirstFree` take a `localFile()` body as is. The
   * driver must then honour `move` only on success (the policy layer removes
   * a moved file the driver left behind) and never change the file on
   * failure beyond its mode. Drivers without it get a stream of the file.
   */
  readonly acceptsLocalFiles?: boolean;
  get(key: string, options: { range?: ByteRange; signal?: AbortSignal }): Promise<Readable | null>;
  /**
   * The whole object in one call, `null` when absent. Absent: the policy
   * layer collects `get`'s stream.
   */
  read?(key: string): Promise<Buffer | null>;
  head(key: string): Promise<StorageStat | null>;
  delete(key: string): Promise<void>;
  list(prefix: string): AsyncIterable<ListEntry>;
  url(key: string): string;
  signedUrl(
    key: string,
    options: Required<Pick<SignedUrlOptions, "expiresIn">> & SignedUrlOptions,
  ): Promise<string>;
  /**
   * A grant for a browser to upload one object straight to the backend
   * (S3/GCS POST policy, Azure SAS). Absent: the backend has no such grant
   * (fs, memory), and direct uploads go through Stowage's own endpoint.
   */
  presignUpload?(key: string, options: PresignUploadOptions): Promise<PresignedUpload>;
  /** Server-side copy; `false` when `from` is missing. Absent: the policy layer streams. */
  copy?(from: string, to: string, options: { ifNoneMatch?: boolean }): Promise<boolean>;
}

/** Whether `content` is a `localFile()` handle rather than bytes or a stream. */
export function isLocalFile(content: StorageContent | DriverBody): content is LocalFileContent {
  return (
    typeof content === "object" &&
    content !== null &&
    !(content instanceof Uint8Array) &&
    !(content instanceof Readable) &&
    typeof (content as LocalFileContent).localPath === "string"
  );
}

/** Whether `content` is whole in memory: a retried write costs no I/O. */
export function isInMemory(content: StorageContent): content is Uint8Array | string {
  return typeof content === "string" || content instanceof Uint8Array;
}

/** Whether `content` can be turned into a fresh stream again (for a retried upload). */
export function isReplayable(
  content: StorageContent,
): content is Uint8Array | string | LocalFileContent {
  return isInMemory(content) || isLocalFile(content);
}

/** Bytes or text as one Buffer, without copying a Uint8Array. */
function asBuffer(content: Uint8Array | string): Buffer {
  if (typeof content === "string") return Buffer.from(content, "utf8");
  return Buffer.from(content.buffer, content.byteOffset, content.byteLength);
}

/** Bytes and text as one Buffer (no copy of a Uint8Array), streams as a Node stream. */
export function toBody(content: StorageContent): DriverBody {
  return isInMemory(content) ? asBuffer(content) : toReadable(content);
}

/** A driver body as a stream, for drivers whose SDK only takes streams. */
export function bodyStream(body: DriverBody): Readable {
  if (Buffer.isBuffer(body)) return Readable.from([body]);
  return isLocalFile(body) ? localFileStream(body) : body;
}

/** Local files are read in large slices: fewer syscalls and chunks than the 64 KiB default. */
const LOCAL_READ_SIZE = 1024 * 1024;

function localFileStream(file: LocalFileContent): Readable {
  return createReadStream(file.localPath, { highWaterMark: LOCAL_READ_SIZE });
}

/**
 * A stream of a local file, opened before it is returned: a missing file is
 * a rejection here, not an `error` event on a stream nobody listens to yet.
 */
export async function openLocalFile(file: LocalFileContent): Promise<Readable> {
  const handle = await open(file.localPath, "r");
  return handle.createReadStream({ highWaterMark: LOCAL_READ_SIZE });
}

/** Any accepted content as a Node stream, without buffering streams. */
export function toReadable(content: StorageContent): Readable {
  if (isInMemory(content)) return Readable.from([asBuffer(content)]);
  if (content instanceof Readable) return content;
  if (isLocalFile(content)) return localFileStream(content);
  if (typeof (content as ReadableStream).getReader === "function") {
    return Readable.fromWeb(content as import("node:stream/web").ReadableStream<Uint8Array>);
  }
  if (Symbol.asyncIterator in (content as object))
    return Readable.from(content as AsyncIterable<Uint8Array>);
  throw new TypeError(
    "save() content must be bytes, a string, a Node/web stream, or localFile(path)",
  );
}

/** Encode each `/`-separated segment of a name for use in a URL path. */
export function encodeName(name: string): string {
  return name.split("/").map(encodeURIComponent).join("/");
}
