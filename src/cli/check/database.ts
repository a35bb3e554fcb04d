import { parseDatabaseUrl } from "../../config/database-url.js";
import type { ConfigProblem, ResolvedConfig } from "../../config/types.js";
import { missingPackages } from "../../errors.js";
import { DATABASE_PACKAGES } from "../../media/database.js";

/**
 * `media.database` and `media.references` as `stowage cleanup` and the record
 * helpers will use them: column references need a database, and the driver
 * package of that database (plus better-sqlite3, which holds the sweep's
 * scratch table) must be installed in the app. No connection is made: check
 * changes nothing and needs no network.
 */
export function checkDatabase(config: ResolvedConfig): ConfigProblem[] {
  const { database, references } = config.media;
  const columns = Array.isArray(references) && references.length > 0;
  if (database === undefined) {
    return columns
      ? [
          {
            level: "error",
            key: "media.database",
            message:
              "media.references names columns, but media.database is not set; set it (sqlite:PATH or a postgres:// URL) or STOWAGE_DATABASE_URL.",
          },
        ]
      : [];
  }
  const dialect = parseDatabaseUrl(database, { baseDir: config.baseDir }).dialect;
  const needed = new Set([DATABASE_PACKAGES[dialect]]);
  if (columns || typeof references === "function") needed.add(DATABASE_PACKAGES.sqlite);
  const missing = missingPackages([...needed], config.baseDir);
  if (missing.length === 0) return [];
  return [
    {
      level: "error",
      key: "media.database",
      message: `media.database (${dialect}) and the orphan sweep need ${missing.map((name) => `"${name}"`).join(", ")}, not installed in ${config.baseDir}. Install with: npm install ${missing.join(" ")}`,
    },
  ];
}
