import type BetterSqlite3 from "better-sqlite3";

/**
 * SQLite's page cache (and sort memory) for the scratch file: the sweep's
 * memory bound, whatever the file count. A larger cache measured no faster.
 */
const CACHE_KIB = 8 * 1024;
/** Rows per INSERT: one native call per batch instead of per row (about 1.5x faster). */
const BATCH_ROWS = 128;

/** Orphans found in one storage (by its number in the sweep). */
export interface OrphanCount {
  storage: number;
  orphans: number;
  bytes: number;
}

/** Orphans in listing order, as columns: `storages[i]` holds `names[i]`. */
export interface OrphanPage {
  /** Where the next page starts (pass it as `afterId`). */
  lastId: number;
  storages: number[];
  names: string[];
}

/**
 * The sweep's working set in a temporary on-disk SQLite file, so memory stays
 * bounded however many names there are: the references, the old-enough
 * listed files, and the orphans the anti-join finds among them. Storages
 * are numbers here. Runs on the scratch thread (see scratch-thread.ts).
 *
 * Appending the references and indexing them once is about three times
 * cheaper than keeping an index while names arrive in random order. Once
 * they are indexed, each batch of files is joined as it arrives, so the join
 * runs while the storage is still being listed.
 */
export class Scratch {
  readonly #db: BetterSqlite3.Database;
  readonly #references: Batch;
  readonly #files: Batch;
  readonly #joinFrom: BetterSqlite3.Statement;
  /** Files appended, and of those already joined (their ids are 1..n in listing order). */
  #filesAdded = 0;
  #filesJoined = 0;
  #indexed = false;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
    // A throwaway file: no journal, no fsync, one connection.
    db.pragma("journal_mode = OFF");
    db.pragma("synchronous = OFF");
    db.pragma("locking_mode = EXCLUSIVE");
    db.pragma("temp_store = FILE");
    db.pragma(`cache_size = -${CACHE_KIB}`);
    db.exec(`
      CREATE TABLE refs (storage INTEGER NOT NULL, name TEXT NOT NULL);
      CREATE TABLE files (id INTEGER PRIMARY KEY, storage INTEGER NOT NULL, name TEXT NOT NULL, owner TEXT, size INTEGER NOT NULL);
      CREATE TABLE orphans (id INTEGER PRIMARY KEY, storage INTEGER NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL);
      BEGIN;
    `);
    this.#references = new Batch(db, "INSERT INTO refs (storage, name)", 2);
    this.#files = new Batch(db, "INSERT INTO files (storage, name, owner, size)", 4);
    // Files that no reference names, neither by their own name nor (for a variant) by its original's.
    this.#joinFrom = db.prepare(`
      INSERT INTO orphans (storage, name, size)
      SELECT f.storage, f.name, f.size FROM files f
      WHERE f.id > ?
        AND NOT EXISTS (SELECT 1 FROM refs r WHERE r.storage = f.storage AND r.name = f.name)
        AND (f.owner IS NULL
             OR NOT EXISTS (SELECT 1 FROM refs r WHERE r.storage = f.storage AND r.name = f.owner))
      ORDER BY f.id`);
  }

  addReferences(storage: number, names: string[]): void {
    if (this.#indexed) throw new Error("the references were already complete");
    for (const name of names) this.#references.add2(storage, name);
  }

  /** Listed files old enough to go; `owners[i]` is the original of a variant, else null. */
  addFiles(storage: number, names: string[], owners: (string | null)[], sizes: number[]): void {
    for (let i = 0; i < names.length; i++) {
      this.#files.add4(storage, names[i], owners[i], sizes[i]);
    }
    this.#filesAdded += names.length;
    if (this.#indexed) this.#join();
  }

  /** Every reference is in: index them and join the files listed so far. */
  referencesComplete(): void {
    if (this.#indexed) return;
    this.#references.flush();
    this.#db.exec("CREATE INDEX refs_name ON refs (storage, name)");
    this.#indexed = true;
    this.#join();
  }

  #join(): void {
    this.#files.flush();
    if (this.#filesJoined === this.#filesAdded) return;
    this.#joinFrom.run(this.#filesJoined);
    this.#filesJoined = this.#filesAdded;
  }

  /** Every file is in: the orphans' count and bytes per storage. */
  finish(): OrphanCount[] {
    this.referencesComplete();
    this.#join();
    this.#db.exec("COMMIT");
    return this.#db
      .prepare(
        "SELECT storage, count(*) AS orphans, total(size) AS bytes FROM orphans GROUP BY storage",
      )
      .all() as OrphanCount[];
  }

  /** The next `limit` orphans after `afterId`, in listing order. */
  orphans(afterId: number, limit: number): OrphanPage {
    const rows = this.#db
      .prepare("SELECT id, storage, name FROM orphans WHERE id > ? ORDER BY id LIMIT ?")
      .raw()
      .all(afterId, limit) as [number, number, string][];
    const page: OrphanPage = { lastId: afterId, storages: [], names: [] };
    for (const [id, storage, name] of rows) {
      page.lastId = id;
      page.storages.push(storage);
      page.names.push(name);
    }
    return page;
  }

  close(): void {
    this.#db.close();
  }
}

/** Rows gathered into multi-row INSERTs of BATCH_ROWS rows; `flush` writes the rest. */
class Batch {
  readonly #db: BetterSqlite3.Database;
  readonly #head: string;
  readonly #width: number;
  readonly #full: BetterSqlite3.Statement;
  readonly #values: unknown[] = [];

  constructor(db: BetterSqlite3.Database, head: string, width: number) {
    this.#db = db;
    this.#head = head;
    this.#width = width;
    this.#full = db.prepare(this.#sql(BATCH_ROWS));
  }

  #sql(rows: number): string {
    const row = `(${Array(this.#width).fill("?").join(", ")})`;
    return `${this.#head} VALUES ${Array(rows).fill(row).join(", ")}`;
  }

  add2(first: unknown, second: unknown): void {
    this.#values.push(first, second);
    this.#flushFull();
  }

  add4(first: unknown, second: unknown, third: unknown, fourth: unknown): void {
    this.#values.push(first, second, third, fourth);
    this.#flushFull();
  }

  #flushFull(): void {
    if (this.#values.length === BATCH_ROWS * this.#width) {
      this.#full.run(this.#values);
      this.#values.length = 0;
    }
  }

  flush(): void {
    if (this.#values.length === 0) return;
    this.#db.prepare(this.#sql(this.#values.length / this.#width)).run(this.#values);
    this.#values.length = 0;
  }
}
