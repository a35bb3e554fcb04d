import type { Kysely } from "kysely";
import type { References } from "../config/types.js";
import type { SaveOptions, Storage, StorageContent } from "../storage/types.js";

export type { ColumnReference, ReferenceFunction, References } from "../config/types.js";

/**
 * The schema of the database stowage/media reads: the app's, which this
 * module does not know; Kysely spells a database of unknown schema `any`.
 */
// biome-ignore lint/suspicious/noExplicitAny: the app's schema is unknown here.
export type AnyDatabase = any;

/** `{ default, ...named }`, as `createStoragesFromConfig` returns. */
export type Storages = Record<string, Storage> & { default: Storage };

export interface MediaOptions {
  /** What `createStoragesFromConfig` returns: `{ default, ...named }`. */
  storages: Storages;
  /**
   * A URL (`sqlite:PATH`, `postgres://...`) or the app's own Kysely instance
   * (then never closed by `close()`). Needed when `references` names columns.
   */
  database?: string | Kysely<AnyDatabase>;
  /**
   * Where stored names are referenced.
   * @default [] (nothing referenced: `remove()` deletes unconditionally, `cleanup()` refuses to run)
   */
  references?: References;
  /**
   * A deletion that failed after a successful unit of work (or while rolling
   * one back); the file is left for the sweep.
   * @default logs one line with console.warn
   */
  onDeleteError?: (error: unknown, file: { storage: string; name: string }) => void;
}

export interface Media {
  readonly storages: Storages;
  /** The Kysely instance in use (opened from the URL, or the one given). */
  readonly db: Kysely<AnyDatabase> | undefined;
  /**
   * Run `work`. Files saved through `unit` are deleted again (with their
   * variants) if `work` throws; files passed to `unit.remove` are deleted
   * (with all their image variants) only after `work` resolved, and only if
   * no configured reference names them any more. A failed deletion after
   * success goes to `onDeleteError` and never rejects. Resolves with work's value.
   */
  unitOfWork<T>(work: (unit: UnitOfWork) => Promise<T>): Promise<T>;
  /**
   * Whether any configured reference names `name` in `storage` (default
   * "default"); an image variant counts as referenced when its original is.
   */
  isReferenced(name: string, storage?: string): Promise<boolean>;
  /** The orphan sweep; `stowage cleanup` is a thin CLI over it. */
  cleanup(options?: CleanupOptions): Promise<CleanupReport>;
  /** Closes the database connection if this Media opened it. */
  close(): Promise<void>;
}

export interface UnitOfWork {
  /** `storage.save` through the name policy, tracked. Returns the final name. */
  save(
    name: string,
    content: StorageContent,
    options?: SaveOptions & { storage?: string },
  ): Promise<string>;
  /** A Storage whose save/copy are tracked like `save`, e.g. `file.saveTo(unit.storage("private"), name)`. */
  storage(name?: string): Storage;
  /** Delete after success (see `unitOfWork`). `null`/`undefined` are ignored (e.g. no previous avatar). */
  remove(name: string | null | undefined, options?: { storage?: string }): void;
}

export interface CleanupProgress {
  /** `scan`: listing the storages and reading the references; `delete`: removing orphans. */
  phase: "scan" | "delete";
  storage: string;
  /** Files listed so far in `storage`. */
  listed: number;
  /** Orphans found in all swept storages (known once the scan is done; 0 while scanning). */
  orphans: number;
  /** Files deleted so far, all storages. */
  deleted: number;
}

export interface CleanupOptions {
  /** Sweep one named storage; absent: every storage that has references. */
  storage?: string;
  /** Never touch files younger than this: ms, or "90s" / "30m" / "2h" / "7d". @default "1h" */
  olderThan?: number | string;
  /** Find and report, delete nothing. @default false */
  dryRun?: boolean;
  /** Progress callback (the CLI draws a bar on a TTY). */
  onProgress?: (progress: CleanupProgress) => void;
  /** Stops the sweep: while scanning, before anything is deleted; while deleting, after the files in flight. */
  signal?: AbortSignal;
}

/** One storage's share of a sweep. */
export interface StorageCleanupReport {
  listed: number;
  /**
   * Listed files younger than `olderThan`, referenced or not: age is checked
   * first, so a young file never reaches the reference check.
   */
  young: number;
  orphans: number;
  bytes: number;
  deleted: number;
  /** Orphans at the scan that were not deleted: referenced, changed or gone by the time their turn came. */
  kept: number;
  /** Listed names the Storage API cannot address (control characters, `..`), never touched. */
  skipped: number;
}

export interface CleanupReport {
  /** Stored files that no reference names (old enough to go). */
  orphans: number;
  /** Their total size in bytes. */
  bytes: number;
  /** Files deleted; 0 on a dry run. */
  deleted: number;
  /** The first ten orphans, storage-qualified when several storages were swept ("private:x.pdf"). */
  names: string[];
  /** Orphans beyond `names`. */
  more: number;
  dryRun: boolean;
  /** The age limit used, in ms. */
  olderThan: number;
  listed: number;
  young: number;
  kept: number;
  skipped: number;
  /** Per swept storage. */
  storages: Record<string, StorageCleanupReport>;
  /** Wall time, ms. */
  ms: number;
}
