import type { ResolvedDirectOptions } from "./options.js";

export interface SweepPendingOptions {
  /**
   * Leave objects younger than this alone, in milliseconds: an upload may
   * still be confirmed until `expiresIn + confirmWithin` after it was prepared.
   * @default 3_600_000 (1 hour, as `stowage cleanup`)
   */
  olderThan?: number;
  /** Report what would go, delete nothing. @default false */
  dryRun?: boolean;
}

export interface SweepPendingReport {
  /** `storage:name` of every object removed (or that would be, on a dry run). */
  removed: string[];
  /** Objects under the pending prefix left because they are young. */
  kept: number;
}

/**
 * Removes what direct uploads left under the pending prefix and nobody
 * confirmed: objects uploaded and abandoned, and the single-use marks of
 * expired tickets. `stowage cleanup` removes the same objects as orphans
 * (nothing references a pending name); this sweep is for apps that run no
 * reference sweep, and touches nothing outside the prefix.
 */
export async function sweepPending(
  options: ResolvedDirectOptions,
  sweep: SweepPendingOptions = {},
): Promise<SweepPendingReport> {
  const olderThan = sweep.olderThan ?? 3_600_000;
  if (!Number.isFinite(olderThan) || olderThan < 0) {
    throw new RangeError(`olderThan must be a number of milliseconds >= 0; got ${olderThan}.`);
  }
  const cutoff = Date.now() - olderThan;
  const report: SweepPendingReport = { removed: [], kept: 0 };
  const used = new Set(Object.values(options.fields).map((field) => field.storage));
  for (const name of used) {
    const storage = options.storages[name];
    const doomed: string[] = [];
    for await (const entry of storage.list(options.pendingPrefix)) {
      if (entry.lastModified.getTime() > cutoff) report.kept += 1;
      else doomed.push(entry.name);
    }
    for (const entry of doomed) {
      if (!sweep.dryRun) await storage.delete(entry);
      report.removed.push(`${name}:${entry}`);
    }
  }
  return report;
}
