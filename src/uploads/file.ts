import { createReadStream } from "node:fs";
import fsp from "node:fs/promises";
import { Readable } from "node:stream";
import { type ImageSize, probeImageSize } from "../images/probe.js";
import { localFile, type SaveOptions, type Storage } from "../storage/types.js";
import { extensionOf } from "./naming.js";

/** What the parser knows about a finished file part. */
export interface UploadedFileInit {
  field: string;
  filename: string;
  clientName: string;
  size: number;
  clientType: string | undefined;
  detectedType: string;
  detectedExtension: string;
  sha256: string;
  buffer: Buffer | undefined;
  path: string | undefined;
}

/**
 * One uploaded file: in memory below `memoryThreshold`, else in a temp file
 * that `saveTo` moves or `cleanup` removes. The client's name is kept
 * (sanitised) as `filename` but never used as a path.
 */
export class UploadedFile {
  /** The form field the file came in. */
  readonly field: string;
  /** The client's file name, sanitised: last path segment, no control characters, ≤ 255 bytes. */
  readonly filename: string;
  /** The client's file name exactly as sent; for logs only, never a path. */
  readonly clientName: string;
  /** Bytes. */
  readonly size: number;
  /** The `Content-Type` the client claimed; not to be trusted. */
  readonly clientType: string | undefined;
  /** The type the bytes really are (magic numbers), `application/octet-stream` when unknown. */
  readonly detectedType: string;
  /** The usual extension of `detectedType`, without the dot (`exe`, `pdf`); `""` when unknown. */
  readonly detectedExtension: string;
  /** Lower-case extension of `filename`, without the dot; `""` when none. */
  readonly extension: string;
  /** Hex SHA-256 of the bytes, computed while they streamed in. */
  readonly sha256: string;
  private memory: Buffer | undefined;
  private tempPath: string | undefined;
  private dimensions: Promise<ImageSize | undefined> | undefined;

  constructor(init: UploadedFileInit) {
    this.field = init.field;
    this.filename = init.filename;
    this.clientName = init.clientName;
    this.size = init.size;
    this.clientType = init.clientType;
    this.detectedType = init.detectedType;
    this.detectedExtension = init.detectedExtension;
    this.extension = extensionOf(init.filename);
    this.sha256 = init.sha256;
    this.memory = init.buffer;
    this.tempPath = init.path;
  }

  /** True while the bytes are in memory. */
  get inMemory(): boolean {
    return this.memory !== undefined;
  }

  /** The temp file holding the bytes, while there is one. */
  get path(): string | undefined {
    return this.tempPath;
  }

  /** All bytes in memory (reads the temp file when there is one). */
  async bytes(): Promise<Buffer> {
    if (this.memory) return this.memory;
    return fsp.readFile(this.requirePath());
  }

  /** A fresh stream of the bytes. */
  stream(): Readable {
    if (this.memory) return Readable.from([this.memory]);
    return createReadStream(this.requirePath());
  }

  /**
   * Format, width and height as displayed (EXIF orientation applied, the
   * largest frame of an animation), read from the header by the same probe
   * the image renderer uses; nothing is decoded. `undefined` when the bytes
   * are not an image Stowage can read.
   */
  imageSize(): Promise<ImageSize | undefined> {
    this.dimensions ??= probeImageSize(this.memory ?? this.requirePath());
    return this.dimensions;
  }

  /**
   * Stores the file under `name` (or the free variant the storage picks) and
   * returns the final name. The client's name travels as `originalName`
   * metadata; the detected type is the stored content type. A temp file is
   * handed over by path: an fs storage on the same filesystem links it into
   * place without copying a byte, other storages stream it; either way it is
   * gone afterwards. When the save fails the temp file stays until `cleanup`.
   */
  async saveTo(storage: Storage, name: string, options: SaveOptions = {}): Promise<string> {
    const saveOptions: SaveOptions = {
      contentType: this.detectedType,
      ...options,
      metadata: { originalName: this.filename, sha256: this.sha256, ...options.metadata },
    };
    const content = this.memory ?? localFile(this.requirePath(), { move: true });
    const finalName = await storage.save(name, content, saveOptions);
    await this.cleanup();
    return finalName;
  }

  /** Removes the temp file, if any; safe to call more than once. */
  async cleanup(): Promise<void> {
    const tempPath = this.tempPath;
    this.tempPath = undefined;
    if (tempPath !== undefined) await removeQuietly(tempPath);
  }

  private requirePath(): string {
    if (this.tempPath === undefined) {
      throw new Error(`The upload "${this.filename}" was already saved or cleaned up.`);
    }
    return this.tempPath;
  }
}

/** Unlink, treating "already gone" as done. */
export async function removeQuietly(filePath: string): Promise<void> {
  try {
    await fsp.unlink(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
