import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { CompressorClosedError } from "./errors.js";
import type { TaskReply, TaskRequest } from "./serve-tasks.js";

/** One unit of work waiting for, or running on, a worker. */
interface Task {
  payload: unknown;
  transfer: ArrayBuffer[];
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
  /** The uncaught error that is about to stop this worker, if any. */
  crash: unknown;
}

/**
 * A fixed-size pool of worker threads running one module, one task per worker
 * at a time, first come first served. Threads start on demand and are
 * unreferenced while idle, so a pool nobody closes does not keep the process
 * alive; a thread that dies fails only its own task and is replaced.
 */
export class WorkerPool {
  readonly #url: URL;
  readonly #size: number;
  readonly #slots = new Set<Slot>();
  readonly #queue: Task[] = [];
  readonly #exited = new Set<Promise<void>>();
  #nextTaskId = 0;
  #closed = false;

  /**
   * @param url the worker module: a `.js` file, or a `.ts` file when running from source
   * @param size how many threads at most (at least 1)
   */
  constructor(url: URL, size: number) {
    this.#url = url;
    this.#size = Math.max(1, Math.floor(size));
  }

  /** Threads currently alive. */
  get threadCount(): number {
    return this.#slots.size;
  }

  /**
   * Runs one task. `transfer` lists ArrayBuffers in `payload` to move (not
   * copy) to the worker; they are unusable here afterwards.
   */
  run(payload: unknown, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.#closed) return Promise.reject(new CompressorClosedError());
    return new Promise((resolve, reject) => {
      this.#queue.push({ payload, transfer, resolve, reject });
      this.#dispatch();
    });
  }

  /** Fails queued and running tasks, stops every thread and waits until they have exited. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const task of this.#queue.splice(0)) task.reject(new CompressorClosedError());
    for (const slot of this.#slots) void slot.worker.terminate();
    await Promise.all(this.#exited);
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const slot = this.#idleSlot() ?? this.#spawn();
      if (!slot) return;
      const task = this.#queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      const request: TaskRequest = { taskId: this.#nextTaskId++, payload: task.payload };
      slot.worker.postMessage(request, task.transfer);
    }
  }

  #idleSlot(): Slot | undefined {
    for (const slot of this.#slots) if (!slot.task) return slot;
    return undefined;
  }

  #spawn(): Slot | undefined {
    if (this.#slots.size >= this.#size) return undefined;
    const slot: Slot = { worker: startWorker(this.#url), task: undefined, crash: undefined };
    this.#slots.add(slot);
    slot.worker.on("message", (reply: TaskReply) => this.#settle(slot, reply));
    slot.worker.on("error", (error) => {
      slot.crash = error;
    });
    const exited = new Promise<void>((resolve) => {
      slot.worker.once("exit", (exitCode) => {
        this.#slots.delete(slot);
        this.#exited.delete(exited);
        this.#onExit(slot, exitCode);
        resolve();
      });
    });
    this.#exited.add(exited);
    return slot;
  }

  #settle(slot: Slot, reply: TaskReply): void {
    const task = slot.task;
    if (!task) return;
    slot.task = undefined;
    slot.worker.unref();
    if (reply.ok) task.resolve(reply.result);
    else task.reject(reviveError(reply.error));
    this.#dispatch();
  }

  #onExit(slot: Slot, exitCode: number): void {
    const task = slot.task;
    slot.task = undefined;
    if (task) {
      if (this.#closed) task.reject(new CompressorClosedError());
      else {
        const reason = slot.crash ?? new Error(`the worker thread exited with code ${exitCode}`);
        task.reject(reason);
      }
    }
    if (!this.#closed) this.#dispatch();
  }
}

/** Turns a serialised worker error back into an Error that keeps the worker's stack. */
function reviveError(data: { name: string; message: string; stack?: string }): Error {
  const error = new Error(data.message);
  error.name = data.name;
  if (data.stack) error.stack = data.stack;
  return error;
}

/**
 * Node 20 cannot run a TypeScript file in a worker, and loader flags in a
 * worker's execArgv do not reach it; so when the pool runs from source
 * (vitest, tsx) the worker first registers tsx's ESM hooks, then imports the
 * module. Built code in dist/ points at the `.js` file and starts it directly.
 */
function startWorker(url: URL): Worker {
  if (!url.pathname.endsWith(".ts")) return new Worker(url, { execArgv: workerExecArgv() });
  const bootstrap = `import(${JSON.stringify(tsxEsmApiUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, execArgv: workerExecArgv() });
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

/** tsx's ESM register API. Read from its package.json: require.resolve would give the CommonJS build, which cannot load ESM workers. */
function tsxEsmApiUrl(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve("tsx/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const entry = manifest.exports["./esm/api"].import.default;
  return pathToFileURL(join(dirname(manifestPath), entry)).href;
}
