import type { CompressionFormat } from "../../config/types.js";
import type { CodecSettings } from "./codecs.js";
import { CompressionFailedError, CompressorClosedError } from "./errors.js";
import { type CompressorOptions, resolveCompressorOptions } from "./options.js";
import { type CompressionPool, createPool } from "./pool.js";
import { shouldCompress } from "./skip.js";
import type { WorkerJob } from "./worker.js";

/** One file to compress. */
export interface CompressJob {
  /** The caller's key for this file; echoed in the outcome and in errors. */
  id: string;
  /** Relative `/`-separated path; its extension decides whether and how to compress. */
  path: string;
  /** The file's bytes. Left untouched: the worker gets its own copy. */
  content: Uint8Array;
}

/** The variants kept for one file (each at most 95% of the original); `{}` when none. */
export interface CompressOutcome {
  id: string;
  variants: Partial<Record<CompressionFormat, Uint8Array>>;
}

/** A pool of worker threads compressing files; close it when done. */
export interface Compressor {
  /**
   * Compresses every job on the worker threads, largest first so no thread
   * is left with one big file at the end. Outcomes come back in input order.
   * Skipped files (see `shouldCompress`) get no variants without reaching a
   * thread. The first failing file rejects the whole call with a
   * `CompressionFailedError` naming it; files not yet started are not started.
   *
   * @param onProgress called after each file with the count done so far, the
   *   total, and that file's outcome when it went through a thread (so the
   *   caller can write it while the others are still compressing)
   */
  compress(
    jobs: CompressJob[],
    onProgress?: (done: number, total: number, outcome?: CompressOutcome) => void,
  ): Promise<CompressOutcome[]>;
  /** Worker threads alive right now (they start on demand and stop on `close`). */
  readonly threadCount: number;
  /** Stops the threads (running calls reject with `CompressorClosedError`) and waits until they have exited. */
  close(): Promise<void>;
}

/**
 * Creates a compressor. Options are checked here, so a bad level or an
 * unavailable format (zstd without Node >= 22.15 or the optional package)
 * throws at once with a typed error, before any thread starts.
 */
export function createCompressor(options: CompressorOptions): Compressor {
  const resolved = resolveCompressorOptions(options);
  const settings: CodecSettings = {
    formats: resolved.formats,
    brotliQuality: resolved.brotliQuality,
    gzipLevel: resolved.gzipLevel,
    zstdLevel: resolved.zstdLevel,
  };
  const pool = createPool(resolved.workers);
  // Enough files in flight to keep every thread busy while results travel back,
  // few enough that copies of the inputs are made just before they are needed.
  const window = resolved.workers * 2;
  let closed = false;

  return {
    compress(jobs, onProgress) {
      if (closed) return Promise.reject(new CompressorClosedError());
      return runBatch(jobs, { pool, settings, window, onProgress, closed: () => closed });
    },
    get threadCount() {
      return pool.threadCount;
    },
    async close() {
      closed = true;
      await pool.close();
    },
  };
}

interface BatchContext {
  pool: CompressionPool;
  settings: CodecSettings;
  window: number;
  onProgress: ((done: number, total: number, outcome?: CompressOutcome) => void) | undefined;
  /** True once the compressor is closed: a task failing then failed because of it. */
  closed: () => boolean;
}

function runBatch(jobs: CompressJob[], context: BatchContext): Promise<CompressOutcome[]> {
  const { pool, settings, window, onProgress, closed } = context;
  const total = jobs.length;
  const outcomes: CompressOutcome[] = jobs.map((job) => ({ id: job.id, variants: {} }));
  const pending = jobs
    .map((job, index) => ({ job, index }))
    .filter(
      ({ job }) => settings.formats.length > 0 && shouldCompress(job.path, job.content.byteLength),
    )
    .sort((a, b) => b.job.content.byteLength - a.job.content.byteLength);
  let done = total - pending.length;
  if (done > 0) onProgress?.(done, total);
  if (pending.length === 0) return Promise.resolve(outcomes);

  return new Promise((resolve, reject) => {
    let next = 0;
    const inFlight = new Set<CompressJob>();
    let failed = false;
    const fail = (job: CompressJob, error: unknown, reason = messageOf(error)) => {
      failed = true;
      stopListening();
      if (closed()) reject(new CompressorClosedError());
      else reject(new CompressionFailedError(job.id, job.path, reason, { cause: error }));
    };
    // A thread that dies outside a task (the worker module cannot load) fails
    // the batch through the first file waiting for it.
    const stopListening = pool.onFailure((error) => {
      const [job] = inFlight;
      if (!failed && job) fail(job, error, `the worker thread stopped: ${messageOf(error)}`);
    });

    const startMore = (): void => {
      while (!failed && inFlight.size < window && next < pending.length) {
        const { job, index } = pending[next++];
        inFlight.add(job);
        // One copy, moved to the worker: the caller keeps its buffer, and a
        // small view into a big buffer does not drag the whole buffer along.
        const content = new Uint8Array(job.content);
        const message: WorkerJob = { path: job.path, content, settings };
        pool.run(message).then(
          (result) => {
            inFlight.delete(job);
            if (failed) return;
            outcomes[index].variants = result.variants;
            done++;
            onProgress?.(done, total, outcomes[index]);
            if (done === total) {
              stopListening();
              resolve(outcomes);
            } else startMore();
          },
          (error: unknown) => {
            inFlight.delete(job);
            if (!failed) fail(job, error);
          },
        );
      }
    };
    startMore();
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
