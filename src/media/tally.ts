import type { CleanupProgress, StorageCleanupReport } from "./types.js";

/** A sweep's counts per storage, and the progress callback they feed. */
export class Tally {
  readonly #reports = new Map<string, StorageCleanupReport>();
  readonly #onProgress: ((progress: CleanupProgress) => void) | undefined;
  /** Orphans found in every swept storage, once the scan is done. */
  orphans = 0;
  /** Files deleted so far, every storage. */
  deleted = 0;

  constructor(onProgress?: (progress: CleanupProgress) => void) {
    this.#onProgress = onProgress;
  }

  report(storage: string): StorageCleanupReport {
    let report = this.#reports.get(storage);
    if (!report) {
      report = { listed: 0, young: 0, orphans: 0, bytes: 0, deleted: 0, kept: 0, skipped: 0 };
      this.#reports.set(storage, report);
    }
    return report;
  }

  progress(phase: CleanupProgress["phase"], storage: string): void {
    this.#onProgress?.({
      phase,
      storage,
      listed: this.report(storage).listed,
      orphans: this.orphans,
      deleted: this.deleted,
    });
  }
}
