import { setImmediate } from "node:timers/promises";
import { CleanupConfigError, ScratchError, StorageListingError } from "./errors.js";
import { isAddressable } from "./names.js";
import type { ReferenceReader } from "./references.js";
import type { ScratchThread } from "./scratch-thread.js";
import type { Tally } from "./tally.js";
import type { Storages } from "./types.js";

const PROGRESS_EVERY = 1_000;
/**
 * Listed entries between turns of the event loop. A listing held in memory
 * yields only microtasks, which would starve the reference read's socket (a
 * PostgreSQL cursor) until the listing ends; with both advancing, the
 * references are complete early and the files are joined as they come.
 */
const YIELD_EVERY = 4_096;

export interface ScanContext {
  storages: Storages;
  references: ReferenceReader;
  /** Files modified after this instant (ms) are young and left alone. */
  cutoff: number;
  tally: Tally;
  signal?: AbortSignal;
}

/** Refuses a storage no reference is for: every file in it would look orphaned. */
export function uncovered(storage: string): CleanupConfigError {
  return new CleanupConfigError(
    `No reference is for the storage ${JSON.stringify(storage)}, so every file in it would look orphaned; cleanup refuses to sweep it. Add its columns to media.references (with storage: ${JSON.stringify(storage)}).`,
  );
}

/**
 * References and listings into the scratch table. With columns the swept
 * storages are known up front and both run at once; a function names its
 * storages as it goes, so its scan comes first. Once the references are all
 * in, the scratch thread indexes them and joins the files from then on as
 * they arrive. Returns the swept storages.
 */
export async function scanInto(
  scratch: ScratchThread,
  context: ScanContext,
  declared: string[] | undefined,
): Promise<string[]> {
  const controller = new AbortController();
  const signal = context.signal
    ? AbortSignal.any([context.signal, controller.signal])
    : controller.signal;
  const named = new Set<string>();
  const readReferences = async () => {
    await context.references.scan(
      declared && new Set(declared),
      (storage, names) => {
        named.add(storage);
        return scratch.addReferences(storage, names);
      },
      signal,
    );
    scratch.referencesComplete();
  };
  const listAll = async (names: string[]) => {
    for (const name of names) await listInto(scratch, context, name, signal);
  };
  if (declared === undefined) {
    await readReferences();
    const swept = [...named].filter((name) => Object.hasOwn(context.storages, name));
    await listAll(swept);
    return swept;
  }
  // Both run at once; the first failure stops the other before it is reported.
  const stopOthers = (error: unknown) => {
    controller.abort(error);
    throw error;
  };
  const results = await Promise.allSettled([
    readReferences().catch(stopOthers),
    listAll(declared).catch(stopOthers),
  ]);
  const failed = results.find((result) => result.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  // A function speaks only for the storages it names; sweeping another would delete all of it.
  const silent = declared.find((name) => !named.has(name));
  if (context.references.declaredStorages === undefined && silent !== undefined) {
    throw uncovered(silent);
  }
  return declared;
}

async function listInto(
  scratch: ScratchThread,
  context: ScanContext,
  name: string,
  signal: AbortSignal,
): Promise<void> {
  const report = context.tally.report(name);
  try {
    for await (const entry of context.storages[name].list()) {
      signal.throwIfAborted();
      report.listed += 1;
      if (!isAddressable(entry.name)) report.skipped += 1;
      else if (entry.lastModified.getTime() > context.cutoff) report.young += 1;
      else {
        const full = scratch.addFile(name, entry.name, entry.size);
        if (full) await full;
      }
      if (report.listed % PROGRESS_EVERY === 0) context.tally.progress("scan", name);
      if (report.listed % YIELD_EVERY === 0) await setImmediate();
    }
  } catch (error) {
    if (signal.aborted) throw signal.reason ?? error;
    if (error instanceof ScratchError) throw error;
    throw new StorageListingError(name, report.listed, error);
  }
  context.tally.progress("scan", name);
}
