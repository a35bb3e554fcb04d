import Tinypool from "tinypool";
import { type CodecSettings, compressVariants } from "./codecs.js";
import { loadZstd, type ZstdCompress } from "./zstd.js";

/** One file to compress, as sent by the compressor. `content` was moved here, not copied. */
export interface WorkerJob {
  path: string;
  content: Uint8Array;
  settings: CodecSettings;
}

/** The kept variants, each backed by its own ArrayBuffer so it can be moved back. */
export interface WorkerResult {
  variants: Partial<Record<string, Uint8Array>>;
}

let zstd: Promise<ZstdCompress | undefined> | undefined;

/** Loads zstd on the first job that wants it; jobs without zstd never pay for the WebAssembly start-up. */
function zstdOnce(): Promise<ZstdCompress | undefined> {
  zstd ??= loadZstd();
  return zstd;
}

/** Runs on a pool thread: compresses one file and moves the variants back without copying them. */
export default async function compressJob(job: WorkerJob) {
  const needsZstd = job.settings.formats.includes("zstd");
  const zstdCompress = needsZstd ? await zstdOnce() : undefined;
  const variants = compressVariants(job.content, job.path, job.settings, zstdCompress);
  const transfer: ArrayBuffer[] = [];
  for (const [format, bytes] of Object.entries(variants)) {
    const owned = ownBuffer(bytes);
    variants[format as keyof typeof variants] = owned;
    transfer.push(owned.buffer as ArrayBuffer);
  }
  const result: WorkerResult = { variants };
  // The pool's protocol for a result that carries several buffers to move.
  return Tinypool.move({
    [Tinypool.transferableSymbol]: transfer,
    [Tinypool.valueSymbol]: result,
  } as unknown as Parameters<typeof Tinypool.move>[0]);
}

/**
 * zlib's output is often a view into a larger chunk, and small Buffers live in
 * Node's shared pool, which must not be moved; those are copied once into a
 * buffer of their exact size. A view that owns its whole buffer moves as is.
 */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes : new Uint8Array(bytes);
}
