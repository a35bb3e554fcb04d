// The records' tables and the two demo accounts, on the Kysely instance
// stowage/media opened from media.database (SQLite or PostgreSQL).
import { sql } from "kysely";
import { hashPassword } from "./auth.mjs";

/** Shown on the sign-in page: this is a demo. */
export const DEMO_USERS = [
  { username: "alice", password: "wonderland", isAdmin: true },
  { username: "bob", password: "builder", isAdmin: false },
];

/** @param {import("kysely").Kysely<any>} db */
function isPostgres(db) {
  return db.getExecutor().adapter.constructor.name === "PostgresAdapter";
}

/**
 * Creates the tables that do not exist yet. On PostgreSQL several app
 * processes may start at once: an advisory lock makes them take turns.
 * @param {import("kysely").Kysely<any>} db
 */
export async function migrate(db) {
  const postgres = isPostgres(db);
  if (!postgres) {
    // Readers need not wait for a writer; deleting a user deletes their rows.
    await sql`pragma journal_mode = WAL`.execute(db);
    await sql`pragma foreign_keys = ON`.execute(db);
  }
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

/** Adds the demo accounts that are missing. @param {import("kysely").Kysely<any>} db */
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
