import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { ConfigError } from "../../errors.js";
import {
  bodyStream,
  type DriverBody,
  type DriverWriteOptions,
  dispositionHeader,
  encodeName,
  type StorageDriver,
} from "../driver.js";
import { NameTakenError } from "../errors.js";
import { signQuery } from "../signing.js";
import type { StorageStat } from "../types.js";

export interface MemoryOptions {
  /** URL prefix `url(name)` builds on. @default "/media/" */
  baseUrl?: string;
  /** Key for HMAC-signed URLs (verified by the media handler, as for fs). */
  secret?: string;
}

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
    const chunks: Buffer[] = [];
    for await (const chunk of bodyStream(body)) {
      signal?.throwIfAborted();
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  };
  const entry = (data: Buffer, writeOptions: DriverWriteOptions): Entry => {
    const { signal: _signal, ...kept } = writeOptions;
    const etag = `"${createHash("md5").update(data).digest("hex")}"`;
    return { data, lastModified: new Date(), etag, options: kept };
  };

  return {
    kind: "memory",
    conditionalPut: true,
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
        metadata: found.options.metadata,
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
      if (!options.secret) {
        throw new ConfigError("Signed URLs on the memory storage need a `secret`.", {
          key: "secret",
        });
      }
      const query = signQuery(options.secret, key, {
        expiresIn: signOptions.expiresIn,
        disposition: dispositionHeader(signOptions.disposition),
      });
      return `${baseUrl}${encodeName(key)}?${query}`;
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
