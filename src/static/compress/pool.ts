import Tinypool from "tinypool";
import type { WorkerJob, WorkerResult } from "./worker.js";
import { workerUrl } from "./worker-url.js";

/** Idle threads are unreferenced (they never keep the process alive) and stop after this long. */
const IDLE_THREAD_MS = 30_000;

/** The compressor's threads: files go in, variants come back. */
export interface CompressionPool {
  /** Compress one file on a thread; `content`'s buffer is moved there, not copied. */
  run(job: WorkerJob): Promise<WorkerResult>;
  /**
   * Call `listener` when a thread fails outside any file: the worker module
   * could not load, or an idle thread crashed. Returns a function that stops
   * listening. Without a listener, such a failure would be thrown at the
   * process as an unhandled `error` event.
   */
  onFailure(listener: (error: unknown) => void): () => void;
  readonly threadCount: number;
  close(): Promise<void>;
}

/**
 * Threads start on demand, up to `workers`, one file at a time each; a
 * thread that throws fails its own file and is replaced.
 */
export function createPool(workers: number): CompressionPool {
  const pool = new Tinypool({
    filename: workerUrl.href,
    minThreads: 0,
    maxThreads: workers,
    idleTimeout: IDLE_THREAD_MS,
    execArgv: workerExecArgv(),
  });
  const listeners = new Set<(error: unknown) => void>();
  pool.on("error", (error: unknown) => {
    for (const listener of listeners) listener(error);
  });
  return {
    run: (job) => pool.run(job, { transferList: [job.content.buffer as ArrayBuffer] }),
    onFailure(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get threadCount() {
      return pool.threads.length;
    },
    close: () => pool.destroy(),
  };
}

/**
 * Workers inherit the process's Node flags, but `--input-type` (set by
 * `node --input-type=module -e ...`) is refused for a worker started from a file.
 */
function workerExecArgv(): string[] {
  const kept: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--input-type")
      i++; // the value follows as its own argument
    else if (!argv[i].startsWith("--input-type=")) kept.push(argv[i]);
  }
  return kept;
}
