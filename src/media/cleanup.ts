import { checkName } from "../storage/names.js";
import type { Storage } from "../storage/types.js";
import { parseDuration } from "./duration.js";
import {
  CleanupConfigError,
  CleanupError,
  StorageListingError,
  UnknownStorageError,
} from "./errors.js";
import { checkOptions } from "./options.js";
import { ownerOf } from "./owners.js";
import type { ReferenceReader } from "./references.js";
import { type Orphan, Scratch } from "./scratch.js";
import type { CleanupOptions, CleanupReport, StorageCleanupReport, Storages } from "./types.js";

const DEFAULT_OLDER_THAN = "1h";
const CLEANUP_OPTIONS = ["storage", "olderThan", "dryRun", "onProgress", "signal"];
/** Stats and deletions in flight at once (cloud round trips overlap; local ones are cheap anyway). */
const CONCURRENCY = 8;
/**
 * Orphans are re-checked (one reference query per column) and deleted page
 * by page. A page grows while it takes under PAGE_TARGET_MS, so a slow
 * storage keeps the gap between a file's re-check and its deletion short,
 * and a fast one runs few re-check queries (each one reads the columns).
 */
const FIRST_PAGE = 20_000;
const MAX_PAGE = 100_000;
const PAGE_TARGET_MS = 2_000;
const SHOWN_NAMES = 10;
const PROGRESS_EVERY = 1_000;

/**
 * Names another sweep in this process is deleting right now, per storage: a
 * second sweep skips them instead of deleting (and counting) them twice.
 */
const claims = new WeakMap<Storage, Set<string>>();

export interface SweepContext {
  storages: Storages;
  references: ReferenceReader;
}

/**
 * The orphan sweep. Collects first, deletes after: the listings and the
 * references go to an on-disk scratch table, and only once every listing and
 * the whole reference scan succeeded are the orphans deleted, each re-checked
 * just before (stat: still there and still old enough; references: still
 * unnamed). A failure before that point deletes nothing.
 */
export async function cleanup(
  context: SweepContext,
  options: CleanupOptions = {},
): Promise<CleanupReport> {
  const started = Date.now();
  checkOptions(options, CLEANUP_OPTIONS, "cleanup()");
  const olderThan = parseDuration(options.olderThan ?? DEFAULT_OLDER_THAN);
  const { storages, references } = context;
  if (references.empty) {
    throw new CleanupConfigError(
      "No media.references are configured, so every stored file would look orphaned; cleanup refuses to run. Name the columns that hold stored names (or a function yielding them) in media.references.",
    );
  }
  const known = Object.keys(storages);
  const covered = references.declaredStorages;
  const declared = options.storage === undefined ? covered : [options.storage];
  for (const name of declared ?? []) {
    if (!Object.hasOwn(storages, name)) throw new UnknownStorageError(name, known);
    if (covered && !covered.includes(name)) throw uncovered(name);
  }
  const sweep = new Sweep(context, options, started - olderThan);
  const scratch = await Scratch.open();
  try {
    let swept: string[];
    try {
      swept = await sweep.scan(scratch, declared);
    } catch (error) {
      throw new CleanupError(0, error);
    }
    const totals = scratch.findOrphans();
    for (const [name, { orphans, bytes }] of totals) {
      Object.assign(sweep.report(name), { orphans, bytes });
      sweep.orphans += orphans;
    }
    const shown = scratch.orphans(0, SHOWN_NAMES);
    if (!options.dryRun) await sweep.deleteOrphans(scratch);
    return summarise(sweep, swept, shown, olderThan, Boolean(options.dryRun), started);
  } finally {
    await scratch.close();
  }
}

function uncovered(storage: string): CleanupConfigError {
  return new CleanupConfigError(
    `No reference is for the storage ${JSON.stringify(storage)}, so every file in it would look orphaned; cleanup refuses to sweep it. Add its columns to media.references (with storage: ${JSON.stringify(storage)}).`,
  );
}

function summarise(
  sweep: Sweep,
  swept: string[],
  shown: Orphan[],
  olderThan: number,
  dryRun: boolean,
  started: number,
): CleanupReport {
  const storages: Record<string, StorageCleanupReport> = {};
  for (const name of swept) storages[name] = sweep.report(name);
  const sum = (key: keyof StorageCleanupReport) =>
    Object.values(storages).reduce((total, report) => total + report[key], 0);
  const orphans = sum("orphans");
  return {
    orphans,
    bytes: sum("bytes"),
    deleted: sum("deleted"),
    names: shown.map((orphan) =>
      swept.length > 1 ? `${orphan.storage}:${orphan.name}` : orphan.name,
    ),
    more: Math.max(0, orphans - shown.length),
    dryRun,
    olderThan,
    listed: sum("listed"),
    young: sum("young"),
    kept: sum("kept"),
    skipped: sum("skipped"),
    storages,
    ms: Date.now() - started,
  };
}

class Sweep {
  readonly #context: SweepContext;
  readonly #options: CleanupOptions;
  /** Files modified after this instant (ms) are young and left alone, at the scan and at the re-check. */
  readonly #cutoff: number;
  readonly #reports = new Map<string, StorageCleanupReport>();
  /** Orphans found in every swept storage, once the scan is done. */
  orphans = 0;
  #deleted = 0;

  constructor(context: SweepContext, options: CleanupOptions, cutoff: number) {
    this.#context = context;
    this.#options = options;
    this.#cutoff = cutoff;
  }

  report(storage: string): StorageCleanupReport {
    let report = this.#reports.get(storage);
    if (!report) {
      report = { listed: 0, young: 0, orphans: 0, bytes: 0, deleted: 0, kept: 0, skipped: 0 };
      this.#reports.set(storage, report);
    }
    return report;
  }

  /**
   * References and listings into the scratch table. With columns the swept
   * storages are known up front and both run at once; a function names its
   * storages as it goes, so its scan comes first. Returns the swept storages.
   */
  async scan(scratch: Scratch, declared: string[] | undefined): Promise<string[]> {
    const controller = new AbortController();
    const signal = this.#options.signal
      ? AbortSignal.any([this.#options.signal, controller.signal])
      : controller.signal;
    const named = new Set<string>();
    const readReferences = () =>
      this.#context.references.scan(
        declared && new Set(declared),
        (reference) => {
          named.add(reference.storage);
          scratch.addReference(reference.storage, reference.name);
        },
        signal,
      );
    const listAll = async (names: string[]) => {
      for (const name of names) await this.#list(scratch, name, signal);
    };
    if (declared === undefined) {
      await readReferences();
      const swept = [...named].filter((name) => Object.hasOwn(this.#context.storages, name));
      await listAll(swept);
      return swept;
    }
    // Both run at once; the first failure stops the other before it is reported.
    const results = await Promise.allSettled([
      readReferences().catch((error) => {
        controller.abort(error);
        throw error;
      }),
      listAll(declared).catch((error) => {
        controller.abort(error);
        throw error;
      }),
    ]);
    const failed = results.find((result) => result.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    // A function speaks only for the storages it names; sweeping another would delete all of it.
    const silent = declared.find((name) => !named.has(name));
    if (this.#context.references.declaredStorages === undefined && silent !== undefined) {
      throw uncovered(silent);
    }
    return declared;
  }

  async #list(scratch: Scratch, name: string, signal: AbortSignal): Promise<void> {
    const report = this.report(name);
    try {
      for await (const entry of this.#context.storages[name].list()) {
        signal.throwIfAborted();
        report.listed += 1;
        if (!addressable(entry.name)) report.skipped += 1;
        else if (entry.lastModified.getTime() > this.#cutoff) report.young += 1;
        else scratch.addFile(name, entry.name, ownerOf(entry.name), entry.size);
        if (report.listed % PROGRESS_EVERY === 0) this.#progress("scan", name);
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
      throw new StorageListingError(name, report.listed, error);
    }
    this.#progress("scan", name);
  }

  #progress(phase: "scan" | "delete", storage: string): void {
    const report = this.report(storage);
    this.#options.onProgress?.({
      phase,
      storage,
      listed: report.listed,
      orphans: this.orphans,
      deleted: this.#deleted,
    });
  }

  async deleteOrphans(scratch: Scratch): Promise<void> {
    let afterId = 0;
    let pageSize = FIRST_PAGE;
    for (;;) {
      const page = scratch.orphans(afterId, pageSize);
      if (page.length === 0) return;
      afterId = page[page.length - 1].id;
      const pageStarted = Date.now();
      try {
        this.#options.signal?.throwIfAborted();
        for (const [storage, names] of byStorage(page)) await this.#deletePage(storage, names);
      } catch (error) {
        throw new CleanupError(this.#deleted, error);
      }
      const took = Date.now() - pageStarted;
      pageSize =
        took < PAGE_TARGET_MS ? Math.min(pageSize * 2, MAX_PAGE) : Math.max(50, pageSize >> 1);
    }
  }

  /** Claim, stat, re-check the references, delete: each orphan at most once per process. */
  async #deletePage(storage: string, names: string[]): Promise<void> {
    const target = this.#context.storages[storage];
    const report = this.report(storage);
    let busy = claims.get(target);
    if (!busy) {
      busy = new Set();
      claims.set(target, busy);
    }
    const mine = names.filter((name) => !busy.has(name));
    report.kept += names.length - mine.length;
    for (const name of mine) busy.add(name);
    try {
      // Names only: a page's stat objects would outlive the page's young garbage.
      const old: string[] = [];
      await forEachLimited(mine, CONCURRENCY, async (name) => {
        const stat = await target.stat(name);
        if (stat !== null && stat.lastModified.getTime() <= this.#cutoff) old.push(name);
      });
      const asked = [...new Set(old.flatMap((name) => [name, ownerOf(name)]))];
      const referenced = await this.#context.references.referencedAmong(storage, asked);
      const doomed = old.filter((name) => !referenced.has(name) && !referenced.has(ownerOf(name)));
      report.kept += mine.length - doomed.length;
      await forEachLimited(doomed, CONCURRENCY, async (name) => {
        this.#options.signal?.throwIfAborted();
        await target.delete(name);
        report.deleted += 1;
        this.#deleted += 1;
      });
      this.#progress("delete", storage);
    } finally {
      for (const name of mine) busy.delete(name);
    }
  }
}

/** Whether the Storage API can address a listed name (a foreign object may not be). */
function addressable(name: string): boolean {
  try {
    checkName(name);
    return true;
  } catch {
    return false;
  }
}

function byStorage(page: Orphan[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const orphan of page) {
    const group = groups.get(orphan.storage);
    if (group) group.push(orphan.name);
    else groups.set(orphan.storage, [orphan.name]);
  }
  return groups;
}

/**
 * Runs `work` over `items`, at most `limit` at once. The first failure stops
 * new work; the calls in flight finish, then it is thrown.
 */
async function forEachLimited<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}
