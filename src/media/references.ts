import type { Kysely, Transaction } from "kysely";
import type { ColumnReference, ReferenceFunction, References } from "../config/types.js";
import { StowageError } from "../errors.js";
import { checkName } from "../storage/names.js";
import { type CheckedColumn, checkColumns } from "./catalogue.js";
import { readColumn, selectAmong } from "./columns.js";
import { type Dialect, dialectOf } from "./database.js";
import { CleanupConfigError, DatabaseError, InvalidReferenceError } from "./errors.js";
import { ownerOf } from "./owners.js";
import type { AnyDatabase } from "./types.js";

const FUNCTION_LABEL = "references()";
/** References from a function passed on at a time. */
const FUNCTION_BATCH = 10_000;

/** A referenced name and the storage it lives in. */
export interface Reference {
  storage: string;
  name: string;
}

/**
 * Reads the configured references: columns through Kysely (names checked
 * against the catalogue first, every value checked against the name policy),
 * or the app's function. All columns are read in one transaction, so the
 * sweep sees one consistent moment even while the app moves a file from one
 * record to another.
 */
export class ReferenceReader {
  readonly #db: Kysely<AnyDatabase> | undefined;
  readonly #configured: ColumnReference[];
  readonly #function: ReferenceFunction | undefined;
  readonly #storageNames: string[];
  #checked: Promise<CheckedColumn[]> | undefined;

  constructor(db: Kysely<AnyDatabase> | undefined, references: References, storageNames: string[]) {
    this.#db = db;
    this.#configured = typeof references === "function" ? [] : references;
    this.#function = typeof references === "function" ? references : undefined;
    this.#storageNames = storageNames;
    if (this.#configured.length > 0 && db === undefined) {
      throw new CleanupConfigError(
        "media.references names database columns, but no media.database (or STOWAGE_DATABASE_URL) is configured.",
      );
    }
  }

  /** Nothing configured: every file would look orphaned. */
  get empty(): boolean {
    return this.#configured.length === 0 && this.#function === undefined;
  }

  /** The storages the columns speak for; undefined with a function (it names them as it goes). */
  get declaredStorages(): string[] | undefined {
    if (this.#function) return undefined;
    return [...new Set(this.#configured.map((reference) => reference.storage ?? "default"))];
  }

  /** The configured columns, confirmed against the catalogue (once; retried after a failure). */
  columns(): Promise<CheckedColumn[]> {
    if (this.#configured.length === 0) return Promise.resolve([]);
    this.#checked ??= this.#guard("read the catalogue", () =>
      checkColumns(this.#db!, dialectOf(this.#db!), this.#configured),
    ).catch((error) => {
      this.#checked = undefined;
      throw error;
    });
    return this.#checked;
  }

  /**
   * Every reference of the wanted storages (all when undefined), validated,
   * passed to `onReferences` in batches as they stream in (awaited when it
   * returns a promise). Throws on the first value that cannot be a stored name.
   */
  async scan(
    wanted: Set<string> | undefined,
    onReferences: (storage: string, names: string[]) => Promise<void> | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    const columns = (await this.columns()).filter(
      (column) => wanted === undefined || wanted.has(column.storage),
    );
    if (columns.length > 0) {
      await this.#snapshot(async (trx, dialect) => {
        for (const column of columns) {
          for await (const values of readColumn(trx, dialect, column)) {
            signal?.throwIfAborted();
            const names: string[] = [];
            for (const value of values) {
              const name = referenceName(column.label, value);
              if (name !== undefined) names.push(name);
            }
            await onReferences(column.storage, names);
          }
        }
      });
    }
    if (this.#function) {
      const batches = new Map<string, string[]>();
      for await (const item of this.#function()) {
        signal?.throwIfAborted();
        const reference = this.#fromFunction(item);
        if (!reference || (wanted !== undefined && !wanted.has(reference.storage))) continue;
        const batch = batches.get(reference.storage) ?? [];
        batches.set(reference.storage, batch);
        batch.push(reference.name);
        if (batch.length === FUNCTION_BATCH) {
          batches.delete(reference.storage);
          await onReferences(reference.storage, batch);
        }
      }
      for (const [storage, batch] of batches) await onReferences(storage, batch);
    }
  }

  /** Which of `names` (in `storage`) some reference names right now. */
  async referencedAmong(storage: string, names: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (names.length === 0) return found;
    const columns = (await this.columns()).filter((column) => column.storage === storage);
    if (columns.length > 0) {
      await this.#snapshot(async (trx, dialect) => {
        for (const column of columns) {
          const rows = await selectAmong(trx, dialect, column, names).execute();
          for (const row of rows) found.add(row.v as string);
        }
      });
    }
    if (this.#function) {
      const wanted = new Set(names);
      for await (const item of this.#function()) {
        const reference = this.#fromFunction(item);
        if (reference?.storage === storage && wanted.has(reference.name)) found.add(reference.name);
      }
    }
    return found;
  }

  /** Whether a reference names `name`, or, for an image variant, its original. */
  async isReferenced(name: string, storage: string): Promise<boolean> {
    const owner = ownerOf(name);
    const found = await this.referencedAmong(storage, owner === name ? [name] : [name, owner]);
    return found.size > 0;
  }

  #fromFunction(item: unknown): Reference | undefined {
    const pair = typeof item === "object" && item !== null;
    const storage = pair ? ((item as { storage?: unknown }).storage ?? "default") : "default";
    const value = pair ? (item as { name?: unknown }).name : item;
    if (typeof storage !== "string" || !["default", ...this.#storageNames].includes(storage)) {
      throw new InvalidReferenceError(
        FUNCTION_LABEL,
        value,
        `it names the storage ${JSON.stringify(storage)}, which is not configured`,
      );
    }
    const name = referenceName(FUNCTION_LABEL, value);
    return name === undefined ? undefined : { storage, name };
  }

  /** One read-only transaction (a snapshot on PostgreSQL), database failures named. */
  #snapshot(
    work: (trx: Transaction<AnyDatabase>, dialect: Dialect) => Promise<void>,
  ): Promise<void> {
    return this.#guard("read the references", async () => {
      const db = this.#db!;
      const dialect = dialectOf(db);
      const builder =
        dialect === "postgres"
          ? db.transaction().setIsolationLevel("repeatable read").setAccessMode("read only")
          : db.transaction();
      await builder.execute((trx) => work(trx, dialect));
    });
  }

  async #guard<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof StowageError || (error as Error)?.name === "AbortError") throw error;
      throw new DatabaseError(`Could not ${what} in the database`, error);
    }
  }
}

/** A column value as a stored name; null and "" (no file) are no reference. */
function referenceName(label: string, value: unknown): string | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  if (typeof value !== "string") throw new InvalidReferenceError(label, value, "not a string");
  try {
    return checkName(value);
  } catch (error) {
    const reason = error instanceof StowageError ? reasonOf(error.message) : String(error);
    throw new InvalidReferenceError(label, value, reason, { cause: error });
  }
}

/** "The file name "x" is not usable: it is empty." -> "it is empty" */
function reasonOf(message: string): string {
  const colon = message.lastIndexOf(": ");
  const reason = colon === -1 ? message : message.slice(colon + 2);
  return reason.replace(/\.$/, "");
}
