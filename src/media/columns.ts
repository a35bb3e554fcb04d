import { sql, type Transaction } from "kysely";
import type { CheckedColumn } from "./catalogue.js";
import type { Dialect } from "./database.js";
import type { AnyDatabase } from "./types.js";

/** Rows fetched per round trip when reading a column. */
const FETCH_ROWS = 10_000;

function tableOf(column: CheckedColumn) {
  return sql.id(column.schema, column.table);
}

/**
 * The column's values in chunks: a server-side cursor on PostgreSQL (one
 * scan, no index needed, nothing held in memory); pages by rowid on SQLite,
 * each read as one JSON array (Kysely's row-at-a-time stream costs several
 * times more per row), or that stream for a table without a rowid.
 */
export async function* readColumn(
  trx: Transaction<AnyDatabase>,
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
      const page = (after === undefined ? query : query.where(sql.id(key), ">", after))
        .select(sql.id(key).as("k"))
        .orderBy(sql.id(key))
        .limit(FETCH_ROWS);
      // One row per page, its values as one JSON array: a native parse instead of an object per row.
      const packed = await trx
        .selectFrom(page.as("p"))
        .select([
          sql<string>`json_group_array(v) filter (where typeof(v) <> 'blob')`.as("values"),
          sql<number>`count(*)`.as("rows"),
          sql<number>`count(*) filter (where typeof(v) = 'blob')`.as("blobs"),
          sql`max(k)`.as("last"),
        ])
        .executeTakeFirstOrThrow();
      if (packed.rows === 0) return;
      // JSON cannot hold a BLOB: such a page is read row by row, so the value is refused by name.
      yield packed.blobs > 0
        ? (await page.execute()).map((row) => row.v)
        : (JSON.parse(packed.values) as unknown[]);
      after = packed.last;
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
  trx: Transaction<AnyDatabase>,
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
export function selectAmong(
  trx: Transaction<AnyDatabase>,
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
