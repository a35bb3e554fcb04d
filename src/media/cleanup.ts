import { deleteOrphans } from "./deletion.js";
import { parseDuration } from "./duration.js";
import { CleanupConfigError, CleanupError, UnknownStorageError } from "./errors.js";
import { checkOptions } from "./options.js";
import type { ReferenceReader } from "./references.js";
import { scanInto, uncovered } from "./scan.js";
import { type Orphans, ScratchThread } from "./scratch-thread.js";
import { Tally } from "./tally.js";
import type { CleanupOptions, CleanupReport, StorageCleanupReport, Storages } from "./types.js";

const DEFAULT_OLDER_THAN = "1h";
const CLEANUP_OPTIONS = ["storage", "olderThan", "dryRun", "onProgress", "signal"];
const SHOWN_NAMES = 10;

export interface SweepContext {
  storages: Storages;
  references: ReferenceReader;
}

/**
 * The orphan sweep. Collects first, deletes after: the listings and the
 * references go to an on-disk scratch table (on a thread of its own), and only once every listing and
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
  const tally = new Tally(options.onProgress);
  // The same instant for the scan and the re-check: a file changed since the sweep began is young.
  const sweep = { ...context, cutoff: started - olderThan, tally, signal: options.signal };
  const scratch = await ScratchThread.open();
  try {
    let swept: string[];
    let shown: Orphans;
    try {
      swept = await scanInto(scratch, sweep, declared);
      for (const [name, { orphans, bytes }] of await scratch.finish()) {
        Object.assign(tally.report(name), { orphans, bytes });
        tally.orphans += orphans;
      }
      shown = await scratch.orphans(0, SHOWN_NAMES);
    } catch (error) {
      throw new CleanupError(0, error);
    }
    if (!options.dryRun) await deleteOrphans(scratch, sweep);
    return summarise(tally, swept, shown, olderThan, Boolean(options.dryRun), started);
  } finally {
    await scratch.close();
  }
}

function summarise(
  tally: Tally,
  swept: string[],
  shown: Orphans,
  olderThan: number,
  dryRun: boolean,
  started: number,
): CleanupReport {
  const storages: Record<string, StorageCleanupReport> = {};
  for (const name of swept) storages[name] = tally.report(name);
  const sum = (key: keyof StorageCleanupReport) =>
    Object.values(storages).reduce((total, report) => total + report[key], 0);
  const orphans = sum("orphans");
  return {
    orphans,
    bytes: sum("bytes"),
    deleted: sum("deleted"),
    names: shown.names.map((name, i) => (swept.length > 1 ? `${shown.storages[i]}:${name}` : name)),
    more: Math.max(0, orphans - shown.names.length),
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
