// The records: a Kysely instance over SQLite (better-sqlite3) or PostgreSQL
// (pg), the tables the app needs, and the two demo accounts.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import { hashPassword } from "./auth.mjs";

/** Shown on the sign-in page: this is a demo. */
export const DEMO_USERS = [
  { username: "alice", password: "wonderland", isAdmin: true },
  { username: "bob", password: "builder", isAdmin: false },
];

/**
 * `sqlite:PATH` (relative to `baseDir`) or `postgres://...` -> Kysely.
 * @param {string} url @param {{ baseDir: string }} options
 */
export async function openDatabase(url, { baseDir }) {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: url, max: 5 });
    return new Kysely({ dialect: new PostgresDialect({ pool }) });
  }
  if (url.startsWith("sqlite:")) {
    const { default: Database } = await import("better-sqlite3");
    const file = path.resolve(baseDir, url.slice("sqlite:".length));
    mkdirSync(path.dirname(file), { recursive: true });
    const database = new Database(file);
    // Several processes may share the file: wait for a writer rather than fail.
    database.pragma("journal_mode = WAL");
    database.pragma("busy_timeout = 5000");
    database.pragma("foreign_keys = ON");
    return new Kysely({ dialect: new SqliteDialect({ database }) });
  }
  throw new Error(
    `DATABASE_URL must be "sqlite:PATH" or "postgres://user@host:port/db"; found ${JSON.stringify(url)}.`,
  );
}

/** @param {Kysely<any>} db */
function isPostgres(db) {
  return db.getExecutor().adapter.constructor.name === "PostgresAdapter";
}

/**
 * Creates the tables that do not exist yet. On PostgreSQL several app
 * processes may start at once: an advisory lock makes them take turns.
 * @param {Kysely<any>} db
 */
export async function migrate(db) {
  const postgres = isPostgres(db);
  /** @param {import("kysely").CreateTableBuilder<any, any>} table */
  const withId = (table) =>
    postgres
      ? table.addColumn("id", "serial", (column) => column.primaryKey())
      : table.addColumn("id", "integer", (column) => column.primaryKey().autoIncrement());
  /** @param {import("kysely").CreateTableBuilder<any, any>} table */
  const owned = (table) =>
    table.addColumn("user_id", "integer", (column) =>
      column.notNull().references("users.id").onDelete("cascade"),
    );

  await db.transaction().execute(async (trx) => {
    if (postgres) await sql`select pg_advisory_xact_lock(7426001)`.execute(trx);
    await withId(trx.schema.createTable("users").ifNotExists())
      .addColumn("username", "text", (column) => column.notNull().unique())
      .addColumn("password_hash", "text", (column) => column.notNull())
      .addColumn("is_admin", "integer", (column) => column.notNull().defaultTo(0))
      .addColumn("avatar", "text")
      .addColumn("created_at", "text", (column) => column.notNull())
      .execute();
    await owned(withId(trx.schema.createTable("documents").ifNotExists()))
      .addColumn("title", "text", (column) => column.notNull())
      .addColumn("document_type", "text", (column) => column.notNull())
      .addColumn("file", "text", (column) => column.notNull())
      .addColumn("original_name", "text", (column) => column.notNull())
      .addColumn("size", "integer", (column) => column.notNull())
      .addColumn("uploaded_at", "text", (column) => column.notNull())
      .execute();
    await owned(withId(trx.schema.createTable("photos").ifNotExists()))
      .addColumn("title", "text", (column) => column.notNull())
      .addColumn("image", "text", (column) => column.notNull())
      .addColumn("width", "integer", (column) => column.notNull())
      .addColumn("height", "integer", (column) => column.notNull())
      .addColumn("thumbhash", "text")
      .addColumn("uploaded_at", "text", (column) => column.notNull())
      .execute();
    await owned(withId(trx.schema.createTable("private_documents").ifNotExists()))
      .addColumn("title", "text", (column) => column.notNull())
      .addColumn("file", "text", (column) => column.notNull())
      .addColumn("original_name", "text", (column) => column.notNull())
      .addColumn("size", "integer", (column) => column.notNull())
      .addColumn("uploaded_at", "text", (column) => column.notNull())
      .execute();
    for (const table of ["documents", "photos", "private_documents"]) {
      await trx.schema
        .createIndex(`${table}_user_id`)
        .ifNotExists()
        .on(table)
        .column("user_id")
        .execute();
    }
  });
}

/** Adds the demo accounts that are missing. @param {Kysely<any>} db */
export async function seedDemoUsers(db) {
  for (const user of DEMO_USERS) {
    const found = await db
      .selectFrom("users")
      .select("id")
      .where("username", "=", user.username)
      .executeTakeFirst();
    if (found) continue;
    await db
      .insertInto("users")
      .values({
        username: user.username,
        password_hash: await hashPassword(user.password),
        is_admin: user.isAdmin ? 1 : 0,
        created_at: new Date().toISOString(),
      })
      .onConflict((conflict) => conflict.column("username").doNothing())
      .execute();
  }
}

/**
 * The columns that hold stored names: what the orphan sweep and the
 * delete-after-commit check consult.
 */
export const REFERENCES = [
  { table: "documents", column: "file" },
  { table: "photos", column: "image" },
  { table: "users", column: "avatar" },
  { table: "private_documents", column: "file", storage: "private" },
];
