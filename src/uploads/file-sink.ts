import { createHash, type Hash, randomBytes } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import path from "node:path";
import { BLOCK_SIZE, ByteBlocks } from "./byte-blocks.js";
import { UploadError, UploadSizeError } from "./errors.js";
import { removeQuietly } from "./file.js";
import type { MemoryBudget } from "./memory-budget.js";

export interface FileSinkOptions {
  field: string;
  maxFileSize: number;
  memoryThreshold: number;
  tmpDir: string;
  /** The request's in-memory budget: when it is spent, the file goes to disk. */
  budget: MemoryBudget;
  /** Called with every temp file path the moment it is chosen, so a failed parse can remove it. */
  onTempFile(filePath: string): void;
}

/** Chunks smaller than this are copied together before they are written. */
const SMALL_CHUNK = 4 * 1024;

/** Temp files are written in large slices: fewer pauses of the request on fast disks. */
const WRITE_HIGH_WATER_MARK = 1024 * 1024;

/**
 * Receives one file part's bytes: hashes them, holds them in memory until `memoryThreshold` (or until
 * the request's memory budget is spent), then spills to an exclusive temp
 * file. Small chunks are copied into blocks, in memory and on their way to
 * disk alike, so a body sent a byte at a time costs no more than one sent
 * in large pieces. `write` is synchronous so limits trip at once;
 * `needsDrain` tells the reader to pause until the disk catches up.
 */
export class FileSink {
  size = 0;
  private readonly hash: Hash = createHash("sha256");
  private readonly memory = new ByteBlocks();
  private staged = new ByteBlocks(BLOCK_SIZE);
  private stream: WriteStream | undefined;
  private streamError: Error | undefined;
  tempPath: string | undefined;

  constructor(private readonly options: FileSinkOptions) {}

  write(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.options.maxFileSize) {
      throw new UploadSizeError("fileSize", this.options.maxFileSize, this.size, {
        field: this.options.field,
      });
    }
    if (this.streamError) throw this.diskError(this.streamError);
    this.hash.update(chunk);
    if (this.stream) {
      this.toDisk(chunk);
      return;
    }
    if (
      this.size > this.options.memoryThreshold ||
      !this.options.budget.reserveFile(chunk.length)
    ) {
      this.spill();
      this.toDisk(chunk);
      return;
    }
    this.memory.append(chunk);
  }

  /** True when the temp file's buffer is full: pause the request until `drained()`. */
  get needsDrain(): boolean {
    return this.stream?.writableNeedDrain ?? false;
  }

  drained(): Promise<void> {
    const stream = this.stream;
    if (!stream?.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        stream.off("drain", done);
        stream.off("close", done);
        resolve();
      };
      stream.on("drain", done);
      stream.on("close", done);
    });
  }

  /** All bytes are in: close the temp file (if any) and report where the bytes are. */
  async finish(): Promise<{ sha256: string; buffer?: Buffer; path?: string }> {
    const sha256 = this.hash.digest("hex");
    const stream = this.stream;
    if (!stream) return { sha256, buffer: this.memory.take() };
    this.flushStaged();
    await new Promise<void>((resolve, reject) => {
      if (this.streamError) reject(this.diskError(this.streamError));
      stream.once("error", (error) => reject(this.diskError(error)));
      stream.end(() => resolve());
    });
    return { sha256, path: this.tempPath };
  }

  /** Stop writing and remove the temp file; never throws. */
  async abort(): Promise<void> {
    this.memory.clear();
    this.staged.clear();
    const stream = this.stream;
    if (stream && !stream.closed) {
      await new Promise<void>((resolve) => {
        stream.once("close", () => resolve());
        stream.destroy();
      });
    }
    if (this.tempPath) await removeQuietly(this.tempPath).catch(() => undefined);
  }

  /**
   * Chunks of a few KB or more (what a socket usually delivers) go straight
   * to the stream, uncopied; tiny ones are gathered into one write, so each
   * queued write carries at least `SMALL_CHUNK` bytes.
   */
  private toDisk(chunk: Buffer): void {
    if (chunk.length >= SMALL_CHUNK) {
      this.flushStaged();
      this.stream!.write(chunk);
      return;
    }
    this.staged.append(chunk);
    if (this.staged.length >= BLOCK_SIZE) this.flushStaged();
  }

  private flushStaged(): void {
    if (this.staged.length > 0) this.stream!.write(this.staged.take());
  }

  private spill(): void {
    const name = `upload-${randomBytes(12).toString("hex")}.part`;
    this.tempPath = path.join(this.options.tmpDir, name);
    this.options.onTempFile(this.tempPath);
    // `wx`: never follow or reuse a file someone planted under the same name.
    const stream = createWriteStream(this.tempPath, {
      flags: "wx",
      mode: 0o600,
      highWaterMark: WRITE_HIGH_WATER_MARK,
    });
    stream.on("error", (error) => {
      this.streamError ??= error;
    });
    this.stream = stream;
    const held = this.memory.length;
    for (const block of this.memory.chunks()) stream.write(block);
    this.memory.clear();
    this.options.budget.releaseFile(held);
  }

  private diskError(cause: Error): UploadError {
    return new UploadError(
      "E_UPLOAD_DISK",
      `Could not write the upload to the temp folder ${this.options.tmpDir}: ${cause.message}`,
      { status: 500, field: this.options.field, cause },
    );
  }
}
