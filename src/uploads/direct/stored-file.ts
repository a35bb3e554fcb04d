import { createHash } from "node:crypto";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { SaveOptions, Storage } from "../../storage/types.js";
import { UploadedFile } from "../file.js";
import { sniffType } from "../sniff.js";

/**
 * How many leading bytes are read for the type and the image header: the
 * sniffer reads up to 64 KiB; a JPEG's frame header can sit behind large
 * EXIF and ICC segments.
 */
export const HEAD_BYTES = 256 * 1024;

/**
 * An uploaded file that is already in storage: the same `UploadedFile` the
 * validators see after a form upload, but its type and image header come
 * from a range read of its first bytes, and `bytes()`/`stream()` read the
 * stored object, so a validator written for form uploads works unchanged.
 */
export class StoredUpload extends UploadedFile {
  readonly storage: Storage;
  readonly name: string;

  private constructor(
    storage: Storage,
    name: string,
    init: ConstructorParameters<typeof UploadedFile>[0],
  ) {
    super(init);
    this.storage = storage;
    this.name = name;
  }

  /** Reads the first bytes of `name` and builds the file the validators see. */
  static async open(
    storage: Storage,
    name: string,
    file: { field: string; filename: string; size: number; sha256: string; clientType?: string },
  ): Promise<StoredUpload> {
    const head = await readHead(storage, name, Math.min(file.size, HEAD_BYTES));
    const sniffed = await sniffType(head, file.size <= head.length);
    return new StoredUpload(storage, name, {
      field: file.field,
      filename: file.filename,
      clientName: file.filename,
      size: file.size,
      clientType: file.clientType,
      detectedType: sniffed.mime,
      detectedExtension: sniffed.ext,
      sha256: file.sha256,
      // The header bytes stand in for the content in the header probe; bytes() reads it all.
      buffer: head,
      path: undefined,
    });
  }

  override get inMemory(): boolean {
    return false;
  }

  override async bytes(): Promise<Buffer> {
    return this.storage.read(this.name);
  }

  override stream(): Readable {
    const out = new PassThrough();
    this.storage.open(this.name).then(
      (source) => pipeline(source, out).catch((error) => out.destroy(error)),
      (error) => out.destroy(error),
    );
    return out;
  }

  override async saveTo(storage: Storage, name: string, options?: SaveOptions): Promise<string> {
    return storage.save(name, await this.storage.open(this.name), {
      contentType: this.detectedType,
      ...options,
    });
  }

  override async cleanup(): Promise<void> {}
}

/** The first `length` bytes of a stored object, by a range read. */
async function readHead(storage: Storage, name: string, length: number): Promise<Buffer> {
  if (length === 0) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of await storage.open(name, { range: { start: 0, end: length - 1 } })) {
    chunks.push(chunk as Buffer);
    total += (chunk as Buffer).length;
  }
  return Buffer.concat(chunks, total).subarray(0, length);
}

/** Hex SHA-256 of a stored object, streamed. */
export async function storedSha256(storage: Storage, name: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of await storage.open(name)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
