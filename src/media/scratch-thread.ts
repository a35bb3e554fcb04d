import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { importOptional } from "../errors.js";
import { ScratchError } from "./errors.js";
import type { ScratchAnswer, ScratchRequest, ScratchWorkerData } from "./scratch-worker.js";
import { scratchWorkerUrl } from "./scratch-worker-url.js";

/** Listed files per batch posted to the scratch thread. */
const FILE_BATCH = 4_096;
/**
 * Names posted but not yet stored, at most: the queue between the threads
 * stays bounded (about 25 MB) when the listing outruns the inserts, for
 * instance while the references are being indexed.
 */
const IN_FLIGHT_NAMES = 262_144;

/** The thread's young generation (V8's default is 16 MB per semi-space). */
const WORKER_YOUNG_MB = 4;

/** Orphans found in one storage. */
export interface StorageOrphans {
  orphans: number;
  bytes: number;
}

/** Orphans in listing order, as columns: `storages[i]` holds `names[i]`. */
export interface Orphans {
  /** Where the next page starts (pass it as `afterId`). */
  lastId: number;
  storages: string[];
  names: string[];
}

interface Pending {
  resolve(answer: ScratchAnswer): void;
  reject(error: unknown): void;
  /** Names the request carried, freed from the window when it is answered. */
  names: number;
}

/**
 * The sweep's side of the scratch thread (scratch-worker.ts): batches the
 * references and listed files, posts them, and waits only when too many
 * names are in flight. Storages travel as numbers.
 */
export class ScratchThread {
  readonly #worker: Worker;
  readonly #dir: string;
  readonly #storageIds = new Map<string, number>();
  readonly #storageNames: string[] = [];
  readonly #pending: Pending[] = [];
  /** Batches waiting for room in the window. */
  readonly #waiting: { resolve(): void; reject(error: unknown): void }[] = [];
  readonly #files = new Map<number, { names: string[]; sizes: number[] }>();
  #inFlight = 0;
  #failure: { error: unknown } | undefined;
  #exited: Promise<void>;

  private constructor(worker: Worker, dir: string) {
    this.#worker = worker;
    this.#dir = dir;
    worker.on("message", (answer: ScratchAnswer) => {
      if (answer.kind === "failed") {
        this.#fail(new ScratchError(answer.message));
        return;
      }
      const pending = this.#pending.shift();
      if (!pending) return;
      this.#inFlight -= pending.names;
      pending.resolve(answer);
      if (this.#inFlight <= IN_FLIGHT_NAMES) {
        for (const waiting of this.#waiting.splice(0)) waiting.resolve();
      }
    });
    worker.on("error", (error) => this.#fail(new ScratchError(error.message, { cause: error })));
    this.#exited = new Promise((resolve) => {
      worker.on("exit", () => {
        this.#fail(new ScratchError("its thread stopped"));
        resolve();
      });
    });
  }

  /** Starts the thread on a fresh temporary folder (better-sqlite3 must be installed). */
  static async open(): Promise<ScratchThread> {
    await importOptional(
      "better-sqlite3",
      "stowage cleanup (its working set lives in a temporary SQLite file)",
    );
    const dir = await mkdtemp(path.join(tmpdir(), "stowage-cleanup-"));
    // None of the process's Node flags: the thread runs SQLite, and some flags
    // (--input-type, loaders for the app's own code) do not apply to it.
    const worker = new Worker(scratchWorkerUrl, {
      workerData: { dir } satisfies ScratchWorkerData,
      execArgv: [],
      // Its batches die young: a small young generation keeps the thread's garbage small.
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
    });
    return new ScratchThread(worker, dir);
  }

  #id(storage: string): number {
    let id = this.#storageIds.get(storage);
    if (id === undefined) {
      id = this.#storageNames.length;
      this.#storageIds.set(storage, id);
      this.#storageNames.push(storage);
    }
    return id;
  }

  #fail(error: unknown): void {
    this.#failure ??= { error };
    for (const waiting of [...this.#pending.splice(0), ...this.#waiting.splice(0)]) {
      waiting.reject(this.#failure.error);
    }
  }

  #request(request: ScratchRequest, names = 0): Promise<ScratchAnswer> {
    if (this.#failure) return Promise.reject(this.#failure.error);
    return new Promise((resolve, reject) => {
      this.#pending.push({ resolve, reject, names });
      this.#inFlight += names;
      this.#worker.postMessage(request);
    });
  }

  /** Posts a batch; resolves at once while the window has room, else once it has again. */
  #post(request: ScratchRequest, names: number): Promise<void> | undefined {
    // A failure surfaces at the next wait or at finish, never as an unhandled rejection.
    this.#request(request, names).catch(() => undefined);
    if (this.#inFlight <= IN_FLIGHT_NAMES) return undefined;
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** Validated references of `storage`; await the result when there is one. */
  addReferences(storage: string, names: string[]): Promise<void> | undefined {
    if (names.length === 0) return undefined;
    return this.#post({ kind: "references", storage: this.#id(storage), names }, names.length);
  }

  /** A listed file old enough to go; await the result when there is one. */
  addFile(storage: string, name: string, size: number): Promise<void> | undefined {
    const id = this.#id(storage);
    let batch = this.#files.get(id);
    if (!batch) {
      batch = { names: [], sizes: [] };
      this.#files.set(id, batch);
    }
    batch.names.push(name);
    batch.sizes.push(size);
    return batch.names.length < FILE_BATCH ? undefined : this.#flushFiles(id);
  }

  #flushFiles(id: number): Promise<void> | undefined {
    const batch = this.#files.get(id);
    if (!batch || batch.names.length === 0) return undefined;
    this.#files.delete(id);
    return this.#post({ kind: "files", storage: id, ...batch }, batch.names.length);
  }

  /** Every reference is in: the thread indexes them and joins files from then on as they come. */
  referencesComplete(): void {
    if (!this.#failure) this.#worker.postMessage({ kind: "referencesComplete" });
  }

  /** Every file is in: the orphans per storage, once the thread has joined them all. */
  async finish(): Promise<Map<string, StorageOrphans>> {
    for (const id of [...this.#files.keys()]) this.#flushFiles(id);
    const answer = await this.#request({ kind: "finish" });
    if (answer.kind !== "finished") throw new Error(`unexpected scratch answer ${answer.kind}`);
    return new Map(
      answer.counts.map(({ storage, ...counts }) => [this.#storageNames[storage], counts]),
    );
  }

  /** The next `limit` orphans after `afterId`, in listing order. */
  async orphans(afterId: number, limit: number): Promise<Orphans> {
    const answer = await this.#request({ kind: "orphans", afterId, limit });
    if (answer.kind !== "orphans") throw new Error(`unexpected scratch answer ${answer.kind}`);
    const { lastId, storages, names } = answer.page;
    return { lastId, names, storages: storages.map((id) => this.#storageNames[id]) };
  }

  /** Ends the thread and deletes its file. */
  async close(): Promise<void> {
    try {
      this.#worker.postMessage({ kind: "close" } satisfies ScratchRequest);
      await this.#exited;
    } finally {
      await rm(this.#dir, { recursive: true, force: true });
    }
  }
}
