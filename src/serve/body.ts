/**
 * Streamed bodies: files opened for one response, and the guard every
 * adapter puts between a body stream and the client so that what is sent
 * is exactly what `Content-Length` promised.
 */
import { constants, type Stats } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { pipeline, type Readable, Transform, type TransformCallback } from "node:stream";
import { StowageError } from "../errors.js";
import type { StreamBody } from "./core.js";

/** A body stream ended before delivering the bytes its response announced. */
export class BodyLengthError extends StowageError {
  constructor(missing: number) {
    super(
      "E_BODY_LENGTH",
      `The body ended ${missing} bytes short of its Content-Length (the file changed while it was sent, or its storage sent less); the connection was cut so the client does not wait for them.`,
    );
  }
}

/** Nothing read a response body for too long: it was closed, and with it its file. */
export class SendTimeoutError extends StowageError {
  constructor(milliseconds: number) {
    super(
      "E_SEND_TIMEOUT",
      `Nothing read the response body for ${milliseconds} ms (the client is gone or stalled); it was closed.`,
    );
  }
}

/** A regular file opened for one response, with what `fstat` says is really there. */
export interface OpenedFile {
  handle: FileHandle;
  stats: Stats;
}

const GONE = new Set(["ENOENT", "ENOTDIR", "ELOOP"]);

/**
 * Open `file` and `fstat` it: the size and date a response announces come
 * from the same open file its bytes are read from, so a file replaced or
 * rewritten after start-up can never be sent under another file's length.
 * `null` when the file is gone or is no longer a regular file. Without
 * `followLinks`, a symlink put in place of the file counts as gone.
 */
export async function openFile(file: string, followLinks: boolean): Promise<OpenedFile | null> {
  let handle: FileHandle;
  try {
    handle = await open(file, followLinks ? "r" : constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if (GONE.has((error as NodeJS.ErrnoException).code ?? "")) return null;
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (stats.isFile()) return { handle, stats };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  await handle.close();
  return null;
}

/** Bytes `start`..`end` (inclusive) of an opened file; the file is closed when the stream ends or is destroyed. */
export function fileBody(file: OpenedFile, start: number, end: number): StreamBody {
  return { length: end - start + 1, stream: file.handle.createReadStream({ start, end }) };
}

/** Passes `length` bytes on, drops any beyond, and fails when the source ends short. */
class ExactLength extends Transform {
  private remaining: number;

  constructor(length: number) {
    super();
    this.remaining = length;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const kept = chunk.length > this.remaining ? chunk.subarray(0, this.remaining) : chunk;
    this.remaining -= kept.length;
    callback(null, kept.length > 0 ? kept : undefined);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.remaining === 0 ? null : new BodyLengthError(this.remaining));
  }
}

/**
 * The stream an adapter sends for a body: exactly `body.length` bytes, or an
 * error (which adapters turn into a cut connection). Destroying it destroys
 * the source, closing its file or storage stream.
 */
export function bodyStream(body: StreamBody): Readable {
  return pipeline(body.stream, new ExactLength(body.length), () => undefined);
}
