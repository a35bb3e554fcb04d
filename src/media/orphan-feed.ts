import type { Orphans, ScratchThread } from "./scratch-thread.js";

/** A run of orphans in listing order: `storages[i]` holds `names[i]`. */
export interface OrphanRun {
  storages: string[];
  names: string[];
}

/**
 * The scratch table's orphans in runs of whatever size the sweep asks for,
 * the next run read on the scratch thread while the sweep works on the
 * current one (the thread would otherwise sit idle while the sweep stats and
 * deletes, and the sweep would wait for each read). What is read ahead is the
 * sweep's own list of candidates: every one is still stat'ed and re-checked
 * just before it is deleted. At most one read is in flight, so memory holds
 * the current run and at most one run ahead.
 */
export class OrphanFeed {
  readonly #scratch: ScratchThread;
  #afterId = 0;
  #storages: string[] = [];
  #names: string[] = [];
  #ahead: { limit: number; page: Promise<Orphans> } | undefined;
  #ended = false;

  constructor(scratch: ScratchThread) {
    this.#scratch = scratch;
  }

  /**
   * The next `size` orphans (fewer at the end, none once all were taken),
   * then starts reading up to `ahead` more for the following call.
   */
  async take(size: number, ahead = size): Promise<OrphanRun> {
    while (this.#names.length < size && !this.#ended) {
      const read = this.#ahead ?? this.#read(size - this.#names.length);
      this.#ahead = undefined;
      const page = await read.page;
      this.#afterId = page.lastId;
      // The table is complete before deletion starts: a short page is its end.
      if (page.names.length < read.limit) this.#ended = true;
      if (this.#names.length === 0) {
        this.#storages = page.storages;
        this.#names = page.names;
      } else {
        this.#storages = this.#storages.concat(page.storages);
        this.#names = this.#names.concat(page.names);
      }
    }
    let run: OrphanRun;
    if (this.#names.length <= size) {
      run = { storages: this.#storages, names: this.#names };
      this.#storages = [];
      this.#names = [];
    } else {
      run = { storages: this.#storages.slice(0, size), names: this.#names.slice(0, size) };
      this.#storages = this.#storages.slice(size);
      this.#names = this.#names.slice(size);
    }
    if (!this.#ended && this.#names.length < ahead) {
      this.#ahead = this.#read(ahead - this.#names.length);
    }
    return run;
  }

  #read(limit: number): { limit: number; page: Promise<Orphans> } {
    const page = this.#scratch.orphans(this.#afterId, limit);
    // A read ahead that fails is reported by the take that awaits it, or by
    // nothing if the sweep stopped first: never as an unhandled rejection.
    page.catch(() => undefined);
    return { limit, page };
  }
}
