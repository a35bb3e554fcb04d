import { type Kysely, sql, type Transaction } from "kysely";
import type { ColumnReference, ReferenceFunction, References } from "../config/types.js";
import { StowageError } from "../errors.js";
import { checkName } from "../storage/names.js";
import { type CheckedColumn, checkColumns } from "./catalogue.js";
import { type Dialect, dialectOf } from "./database.js";
import { CleanupConfigError, DatabaseError, InvalidReferenceError } from "./errors.js";
import { ownerOf } from "./owners.js";

/** Rows fetched per round trip when reading a PostgreSQL column. */
const FETCH_ROWS = 10_000;
const FUNCTION_LABEL = "references()";

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
  readonly #db: Kysely<any> | undefined;
  readonly #configured: ColumnReference[];
  readonly #function: ReferenceFunction | undefined;
  readonly #storageNames: string[];
  #checked: Promise<CheckedColumn[]> | undefined;

  constructor(db: Kysely<any> | undefined, references: References, storageNames: string[]) {
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
   * passed to `onReference` as it streams in. Throws on the first value that
   * cannot be a stored name.
   */
  async scan(
    wanted: Set<string> | undefined,
    onReference: (reference: Reference) => void,
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
            for (const value of values) {
              const name = referenceName(column.label, value);
              if (name !== undefined) onReference({ storage: column.storage, name });
            }
          }
        }
      });
    }
    if (this.#function) {
      for await (const item of this.#function()) {
        signal?.throwIfAborted();
        const reference = this.#fromFunction(item);
        if (reference && (wanted === undefined || wanted.has(reference.storage))) {
          onReference(reference);
        }
      }
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
  #snapshot(work: (trx: Transaction<any>, dialect: Dialect) => Promise<void>): Promise<void> {
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

function tableOf(column: CheckedColumn) {
  return sql.id(column.schema, column.table);
}

/**
 * The column's values in chunks: a server-side cursor on PostgreSQL (one
 * scan, no index needed, nothing held in memory); pages by rowid on SQLite
 * (Kysely's row-at-a-time stream costs several times more per row), or
 * that stream for a table without a rowid.
 */
async function* readColumn(
  trx: Transaction<any>,
  dialect: Dialect,
  column: CheckedColumn,
): AsyncGenerator<unknown[]> {
  const query = trx
    .selectFrom(tableOf(column).as("t"))
    .select(sql.id(column.column).as("v"))
    .where(sql.id(column.column), "is not", null);
  if (dialect === "sqlite") {
    const key = await rowidName(trx, column);
    if (key === undefined) {
      yield* streamInChunks(query.stream());
      return;
    }
    let after: unknown;
    for (;;) {
      const page = await (after === undefined ? query : query.where(sql.id(key), ">", after))
        .select(sql.id(key).as("k"))
        .orderBy(sql.id(key))
        .limit(FETCH_ROWS)
        .execute();
      if (page.length === 0) return;
      yield page.map((row) => row.v);
      after = page[page.length - 1].k;
    }
  }
  const cursor = sql.id("stowage_references");
  await sql`declare ${cursor} no scroll cursor for ${query}`.execute(trx);
  try {
    for (;;) {
      const { rows } = await sql<{
        v: unknown;
      }>`fetch forward ${sql.lit(FETCH_ROWS)} from ${cursor}`.execute(trx);
      if (rows.length === 0) return;
      yield rows.map((row) => row.v);
    }
  } finally {
    await sql`close ${cursor}`.execute(trx).catch(() => undefined);
  }
}

async function* streamInChunks(rows: AsyncIterable<{ v: unknown }>): AsyncGenerator<unknown[]> {
  let chunk: unknown[] = [];
  for await (const row of rows) {
    chunk.push(row.v);
    if (chunk.length >= FETCH_ROWS) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * A name that reaches the SQLite table's rowid (one its own columns do not
 * shadow), or undefined for a view or a WITHOUT ROWID table.
 */
async function rowidName(
  trx: Transaction<any>,
  column: CheckedColumn,
): Promise<string | undefined> {
  try {
    const { rows } = await sql<{ type: string; wr: number }>`
      select type, wr from pragma_table_list
      where name = ${column.table} and schema = ${column.schema}`.execute(trx);
    if (rows[0]?.type !== "table" || rows[0].wr !== 0) return undefined;
  } catch {
    return undefined; // table_list came with SQLite 3.37: stream instead.
  }
  const { rows } = await sql<{ name: string }>`
    select name from pragma_table_info(${column.table}, ${column.schema})`.execute(trx);
  const taken = new Set(rows.map((row) => row.name.toLowerCase()));
  return ["rowid", "_rowid_", "oid"].find((name) => !taken.has(name));
}

/** `select distinct column from table where column in (names)`, one parameter whatever the count. */
function selectAmong(
  trx: Transaction<any>,
  dialect: Dialect,
  column: CheckedColumn,
  names: string[],
) {
  const value = sql.id(column.column);
  const among =
    dialect === "postgres"
      ? sql<boolean>`${value} = any(${sql.val(names)}::text[])`
      : sql<boolean>`${value} in (select value from json_each(${JSON.stringify(names)}))`;
  return trx.selectFrom(tableOf(column).as("t")).select(value.as("v")).distinct().where(among);
}
