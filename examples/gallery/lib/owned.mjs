// Rows that belong to the signed-in user. Anyone else's row is "not found",
// never "forbidden": a 404 does not even confirm that it exists.

/** The id in `/things/:id`, or undefined when it is not a plain number. @param {string | undefined} raw */
export function parseId(raw) {
  return raw !== undefined && /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : undefined;
}

/**
 * @param {import("kysely").Kysely<any>} db @param {string} table
 * @param {import("express").Request} req @param {import("express").Response} res
 */
export async function findOwned(db, table, req, res) {
  const id = parseId(req.params.id);
  if (id === undefined) return undefined;
  return db
    .selectFrom(table)
    .selectAll()
    .where("id", "=", id)
    .where("user_id", "=", res.locals.user.id)
    .executeTakeFirst();
}
