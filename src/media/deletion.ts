import type { Storage } from "../storage/types.js";
import { CleanupError } from "./errors.js";
import { forEachLimited } from "./limit.js";
import { OrphanFeed, type OrphanRun } from "./orphan-feed.js";
import { ownerOf } from "./owners.js";
import type { ReferenceReader } from "./references.js";
import type { ScratchThread } from "./scratch-thread.js";
import type { Tally } from "./tally.js";
import type { Storages } from "./types.js";

/** Stats and deletions in flight at once (cloud round trips overlap; local ones are cheap anyway). */
const CONCURRENCY = 8;
/**
 * Orphans are re-checked (one reference query per column) and deleted page
 * by page. Each page is sized from the last one's pace to take about
 * PAGE_TARGET_MS, so a slow storage keeps the gap between a file's re-check
 * and its deletion short, and a fast one runs few re-check queries (each one
 * reads the whole column, whatever the page size). A page grows at most
 * MAX_GROWTH-fold, and holds at most MAX_PAGE names (the memory bound).
 */
const FIRST_PAGE = 20_000;
const MAX_PAGE = 250_000;
const MIN_PAGE = 50;
const MAX_GROWTH = 8;
const PAGE_TARGET_MS = 2_000;

/**
 * Names another sweep in this process is deleting right now, per storage: a
 * second sweep skips them instead of deleting (and counting) them twice.
 */
const claims = new WeakMap<Storage, Set<string>>();

export interface DeletionContext {
  storages: Storages;
  references: ReferenceReader;
  /** Files modified after this instant (ms) are young and left alone. */
  cutoff: number;
  tally: Tally;
  signal?: AbortSignal;
}

/** Deletes the scratch table's orphans, page by page, each re-checked just before. */
export async function deleteOrphans(
  scratch: ScratchThread,
  context: DeletionContext,
): Promise<void> {
  const feed = new OrphanFeed(scratch);
  let pageSize = FIRST_PAGE;
  for (;;) {
    const pageStarted = Date.now();
    try {
      // Read ahead as much as the next page holds if this one keeps a quick pace.
      const page = await feed.take(pageSize, Math.min(pageSize * 2, MAX_PAGE));
      if (page.names.length === 0) return;
      context.signal?.throwIfAborted();
      for (const [storage, names] of byStorage(page)) await deletePage(context, storage, names);
    } catch (error) {
      throw new CleanupError(context.tally.deleted, error);
    }
    const took = Date.now() - pageStarted;
    pageSize = nextSize(pageSize, took);
  }
}

/** The page size that takes about PAGE_TARGET_MS at the pace of a `size` page that took `took` ms. */
function nextSize(size: number, took: number): number {
  const paced = Math.round((size * PAGE_TARGET_MS) / Math.max(1, took));
  return Math.max(MIN_PAGE, Math.min(paced, size * MAX_GROWTH, MAX_PAGE));
}

/** Claim, stat, re-check the references, delete: each orphan at most once per process. */
async function deletePage(context: DeletionContext, storage: string, names: string[]) {
  const target = context.storages[storage];
  const report = context.tally.report(storage);
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
      if (stat !== null && stat.lastModified.getTime() <= context.cutoff) old.push(name);
    });
    // A variant is asked for with its original (each original once).
    const owners = old.map(ownerOf);
    const originals = new Set<string>();
    owners.forEach((owner, i) => {
      if (owner !== old[i]) originals.add(owner);
    });
    const asked = old.concat([...originals]);
    const referenced = await context.references.referencedAmong(storage, asked);
    const doomed = old.filter((name, i) => !referenced.has(name) && !referenced.has(owners[i]));
    report.kept += mine.length - doomed.length;
    await forEachLimited(doomed, CONCURRENCY, async (name) => {
      context.signal?.throwIfAborted();
      await target.delete(name);
      report.deleted += 1;
      context.tally.deleted += 1;
    });
    context.tally.progress("delete", storage);
  } finally {
    for (const name of mine) busy.delete(name);
  }
}

function byStorage(page: OrphanRun): Map<string, string[]> {
  const first = page.storages[0];
  if (page.storages.every((storage) => storage === first)) return new Map([[first, page.names]]);
  const groups = new Map<string, string[]>();
  page.names.forEach((name, i) => {
    const group = groups.get(page.storages[i]);
    if (group) group.push(name);
    else groups.set(page.storages[i], [name]);
  });
  return groups;
}
