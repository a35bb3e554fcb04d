import { type Kysely, sql } from "kysely";
import type { ColumnReference } from "../config/types.js";
import type { Dialect } from "./database.js";
import { ReferenceColumnError } from "./errors.js";
import type { AnyDatabase } from "./types.js";

/** A configured column after the database's own catalogue confirmed it. */
export interface CheckedColumn {
  /** `table.column` as configured, for messages. */
  label: string;
  /** Spellings taken from the catalogue, so quoting matches what exists. */
  schema: string;
  table: string;
  column: string;
  storage: string;
}

/** `a.b` is schema `a`, table `b` (as Kysely reads it); no dot: the default schema(s). */
function splitTable(table: string): { schema: string | undefined; table: string } {
  const dot = table.indexOf(".");
  return dot === -1
    ? { schema: undefined, table }
    : { schema: table.slice(0, dot), table: table.slice(dot + 1) };
}

/** The exact spelling, else the only case-insensitive match (unquoted SQL folds case). */
function pick(wanted: string, names: string[]): string | undefined {
  if (names.includes(wanted)) return wanted;
  const folded = names.filter((name) => name.toLowerCase() === wanted.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

function listed(names: string[]): string {
  const shown = names.slice(0, 12).join(", ");
  return names.length > 12 ? `${shown}, ... (${names.length} in all)` : shown || "none";
}

interface TableRow {
  schema: string;
  name: string;
}

async function tablesOf(db: Kysely<AnyDatabase>, dialect: Dialect, schema: string | undefined) {
  if (dialect === "sqlite") {
    const schemas = (await sql<{ name: string }>`select name from pragma_database_list`.execute(db))
      .rows;
    const chosen =
      schema === undefined
        ? "main"
        : pick(
            schema,
            schemas.map((row) => row.name),
          );
    if (chosen === undefined) return [];
    const master = sql.id(chosen, "sqlite_master");
    const { rows } = await sql<TableRow>`
      select ${chosen} as schema, name from ${master} where type in ('table', 'view') order by name`.execute(
      db,
    );
    return rows;
  }
  const { rows } = await sql<TableRow>`
    select table_schema as schema, table_name as name from information_schema.tables
    where ${
      schema === undefined
        ? sql`table_schema = any(current_schemas(false))`
        : sql`lower(table_schema) = lower(${schema})`
    }
    order by array_position(current_schemas(false), table_schema::text), table_name`.execute(db);
  return rows;
}

async function columnsOf(
  db: Kysely<AnyDatabase>,
  dialect: Dialect,
  table: TableRow,
): Promise<string[]> {
  const { rows } =
    dialect === "sqlite"
      ? await sql<{ name: string }>`
          select name from pragma_table_info(${table.name}, ${table.schema})`.execute(db)
      : await sql<{ name: string }>`
          select column_name as name from information_schema.columns
          where table_schema = ${table.schema} and table_name = ${table.name}
          order by ordinal_position`.execute(db);
  return rows.map((row) => row.name);
}

/**
 * Confirms every configured table and column against the database's own
 * catalogue (sqlite_master and table_info; information_schema) before any
 * query names them, and returns the catalogue's spellings. A name that is
 * not there is refused with the names that are.
 */
export async function checkColumns(
  db: Kysely<AnyDatabase>,
  dialect: Dialect,
  references: ColumnReference[],
): Promise<CheckedColumn[]> {
  const checked: CheckedColumn[] = [];
  for (const reference of references) {
    const label = `${reference.table}.${reference.column}`;
    const wanted = splitTable(reference.table);
    const tables = await tablesOf(db, dialect, wanted.schema);
    const name = pick(
      wanted.table,
      tables.map((row) => row.name),
    );
    const table = tables.find((row) => row.name === name);
    if (table === undefined) {
      throw new ReferenceColumnError(
        label,
        `media.references names the table ${JSON.stringify(reference.table)}, which the database does not have (tables: ${listed(tables.map((row) => row.name))}).`,
      );
    }
    const columns = await columnsOf(db, dialect, table);
    const column = pick(reference.column, columns);
    if (column === undefined) {
      throw new ReferenceColumnError(
        label,
        `media.references names the column ${JSON.stringify(reference.column)}, which the table ${JSON.stringify(table.name)} does not have (columns: ${listed(columns)}).`,
      );
    }
    checked.push({
      label,
      schema: table.schema,
      table: table.name,
      column,
      storage: reference.storage ?? "default",
    });
  }
  return checked;
}
