// Real write failures for the "nothing is left behind" tests: a SQLite
// trigger that aborts the statement, as a full disk or a lost connection would.
import { type Kysely, sql } from "kysely";

/**
 * Runs `work` while every `event` ("INSERT", "UPDATE OF avatar", ...) on
 * `table` fails inside the database.
 */
export async function whileWritesFail(
  // biome-ignore lint/suspicious/noExplicitAny: the app's schema is untyped JavaScript.
  db: Kysely<any>,
  table: string,
  event: string,
  work: () => Promise<void>,
): Promise<void> {
  const trigger = `refuse_${table}`;
  await sql
    .raw(
      `CREATE TRIGGER ${trigger} BEFORE ${event} ON ${table} BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
    )
    .execute(db);
  try {
    await work();
  } finally {
    await sql.raw(`DROP TRIGGER ${trigger}`).execute(db);
  }
}
