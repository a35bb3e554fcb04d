import { createHash } from "node:crypto";
import { addAbortSignal, Readable } from "node:stream";
import {
  bodyStream,
  type DriverBody,
  type DriverWriteOptions,
  encodeName,
  type StorageDriver,
} from "../driver.js";
import { NameTakenError } from "../errors.js";
import { isUrlPrefix, type Schema, URL_PREFIX } from "../schema.js";
import { hmacSignedUrl } from "../signing.js";
import type { StorageStat } from "../types.js";

export interface MemoryOptions {
  /** URL prefix `url(name)` builds on. @default "/media/" */
  baseUrl?: string;
  /** Key for HMAC-signed URLs (verified by the media handler, as for fs). */
  secret?: string;
}

export const memorySchema: Schema<MemoryOptions> = {
  baseUrl: { type: "string", check: isUrlPrefix, expected: URL_PREFIX },
  secret: { type: "string", secret: true, allowEmpty: true },
};

interface Entry {
  data: Buffer;
  lastModified: Date;
  etag: string;
  options: DriverWriteOptions;
}

/** Objects in a Map: for tests and `stowage/testing`. Saves are atomic: bytes land whole or not at all. */
export function memoryDriver(options: MemoryOptions = {}): StorageDriver {
  const baseUrl = options.baseUrl ?? "/media/";
  const objects = new Map<string, Entry>();

  const collect = async (body: DriverBody, signal?: AbortSignal): Promise<Entry["data"]> => {
    // A copy: the caller may reuse its buffer after save() returns.
    if (Buffer.isBuffer(body)) return Buffer.from(body);
    signal?.throwIfAborted();
    const stream = bodyStream(body);
    // Destroys the stream on abort, so a source that stalls cannot hold the save open.
    if (signal) addAbortSignal(signal, stream);
    const chunks: Buffer[] = [];
    for await (const chunk of stream)
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks);
  };
  const entry = (data: Buffer, writeOptions: DriverWriteOptions): Entry => {
    const { signal: _signal, ...kept } = writeOptions;
    const etag = `"${createHash("md5").update(data).digest("hex")}"`;
    return { data, lastModified: new Date(), etag, options: kept };
  };

  return {
    kind: "memory",
    acceptsBytes: true,

    async put(key, body, writeOptions) {
      const data = await collect(body, writeOptions.signal);
      if (writeOptions.ifNoneMatch && objects.has(key)) throw new NameTakenError(key);
      objects.set(key, entry(data, writeOptions));
    },

    async createFirstFree(candidates, body, writeOptions) {
      const data = await collect(body, writeOptions.signal);
      // No await between the check and the set: this is the atomic step.
      let candidate = candidates.next().value as string;
      while (objects.has(candidate)) candidate = candidates.next().value as string;
      objects.set(candidate, entry(data, writeOptions));
      return candidate;
    },

    async get(key, getOptions) {
      const found = objects.get(key);
      if (!found) return null;
      const { start, end } = getOptions.range ?? { start: 0 };
      return Readable.from([found.data.subarray(start, end === undefined ? undefined : end + 1)]);
    },

    async read(key) {
      const found = objects.get(key);
      // A copy, so a caller writing into the result cannot change the stored object.
      return found ? Buffer.from(found.data) : null;
    },

    async head(key): Promise<StorageStat | null> {
      const found = objects.get(key);
      if (!found) return null;
      return {
        name: key,
        size: found.data.length,
        lastModified: found.lastModified,
        contentType: found.options.contentType,
        etag: found.etag,
        metadata: found.options.metadata && { ...found.options.metadata },
      };
    },

    async delete(key) {
      objects.delete(key);
    },

    async *list(prefix) {
      const keys = [...objects.keys()].filter((key) => key.startsWith(prefix)).sort();
      for (const key of keys) {
        const found = objects.get(key);
        if (found) yield { name: key, size: found.data.length, lastModified: found.lastModified };
      }
    },

    url(key) {
      return `${baseUrl}${encodeName(key)}`;
    },

    async signedUrl(key, signOptions) {
      return hmacSignedUrl("memory", options.secret, baseUrl, key, signOptions);
    },

    async copy(from, to, copyOptions) {
      const found = objects.get(from);
      if (!found) return false;
      if (copyOptions.ifNoneMatch && objects.has(to)) throw new NameTakenError(to);
      objects.set(to, { ...found, lastModified: new Date() });
      return true;
    },
  };
}
