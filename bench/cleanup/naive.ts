// The two-sets approach: every reference and every stored name in two
// in-memory sets, then the difference deleted. Same database access (Kysely)
// and the same variant rule; no age check and no re-check, as such a command
// is usually written.
import type { Kysely } from "kysely";
import type { AnyDatabase } from "../../src/media/types.js";
import type { Storage } from "../../src/storage/types.js";

export async function naiveCleanup(
  storage: Storage,
  db: Kysely<AnyDatabase>,
  references: { table: string; column: string }[],
  ownerOf: (name: string) => string,
): Promise<{ orphans: number; deleted: number }> {
  const referenced = new Set<string>();
  for (const { table, column } of references) {
    const rows = await db.selectFrom(table).select(column).execute();
    for (const row of rows) if (row[column]) referenced.add(row[column]);
  }
  const stored = new Set<string>();
  for await (const entry of storage.list()) stored.add(entry.name);
  let orphans = 0;
  for (const name of stored) {
    if (referenced.has(name) || referenced.has(ownerOf(name))) continue;
    orphans += 1;
    await storage.delete(name);
  }
  return { orphans, deleted: orphans };
}
