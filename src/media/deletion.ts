import type { Storage } from "../storage/types.js";
import { CleanupError } from "./errors.js";
import { forEachLimited } from "./limit.js";
import { ownerOf } from "./owners.js";
import type { ReferenceReader } from "./references.js";
import type { Orphans, ScratchThread } from "./scratch-thread.js";
import type { Tally } from "./tally.js";
import type { Storages } from "./types.js";

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
const MIN_PAGE = 50;
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
  let afterId = 0;
  let pageSize = FIRST_PAGE;
  for (;;) {
    const pageStarted = Date.now();
    try {
      const page = await scratch.orphans(afterId, pageSize);
      if (page.names.length === 0) return;
      afterId = page.lastId;
      context.signal?.throwIfAborted();
      for (const [storage, names] of byStorage(page)) await deletePage(context, storage, names);
    } catch (error) {
      throw new CleanupError(context.tally.deleted, error);
    }
    const took = Date.now() - pageStarted;
    pageSize =
      took < PAGE_TARGET_MS ? Math.min(pageSize * 2, MAX_PAGE) : Math.max(MIN_PAGE, pageSize >> 1);
  }
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
    const asked = [...new Set(old.flatMap((name) => [name, ownerOf(name)]))];
    const referenced = await context.references.referencedAmong(storage, asked);
    const doomed = old.filter((name) => !referenced.has(name) && !referenced.has(ownerOf(name)));
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

function byStorage(page: Orphans): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  page.names.forEach((name, i) => {
    const group = groups.get(page.storages[i]);
    if (group) group.push(name);
    else groups.set(page.storages[i], [name]);
  });
  return groups;
}
