import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  sql,
} from "kysely";

import { describeDatabaseUrl, parseDatabaseUrl } from "../config/database-url.js";
import { importOptional, StowageError } from "../errors.js";
import { DatabaseError } from "./errors.js";
import type { AnyDatabase } from "./types.js";

export type Dialect = "sqlite" | "postgres";

/**
 * The driver package each dialect loads (optional peers, imported on first
 * use); `stowage check` asks this table whether the app has them.
 */
export const DATABASE_PACKAGES: Readonly<Record<Dialect, string>> = {
  sqlite: "better-sqlite3",
  postgres: "pg",
};

export interface OpenDatabaseOptions {
  /** Folder a relative `sqlite:PATH` resolves from. @default process.cwd() */
  baseDir?: string;
  /**
   * Refuse a `sqlite:` file that does not exist instead of creating an empty
   * one, and its folder with it (`stowage cleanup` sets it: an empty database
   * has no references).
   * @default false
   */
  mustExist?: boolean;
}

interface BetterSqlite3Module {
  default: new (
    file: string,
    options?: { fileMustExist?: boolean },
  ) => { pragma(source: string): unknown; close(): void };
}

interface PgModule {
  default: {
    Pool: new (config: {
      connectionString: string;
      max?: number;
      connectionTimeoutMillis?: number;
    }) => { on(event: "error", listener: (error: Error) => void): unknown };
  };
}

/**
 * A Kysely instance for `sqlite:PATH` or `postgres://...`, built at once;
 * the driver package (better-sqlite3 or pg, both optional) loads on the
 * first query, and a missing one fails that query naming the package.
 */
export function createDatabase<DB = AnyDatabase>(
  url: string,
  options: OpenDatabaseOptions = {},
): Kysely<DB> {
  const location = parseDatabaseUrl(url, { baseDir: options.baseDir, key: "database" });
  if (location.dialect === "sqlite") {
    return new Kysely<DB>({
      dialect: new SqliteDialect({
        database: async () => {
          const { default: Database } = await importOptional<BetterSqlite3Module>(
            DATABASE_PACKAGES.sqlite,
            'A "sqlite:" database',
          );
          const mustExist = options.mustExist ?? false;
          // A fresh checkout has no var/ yet: SQLite creates a file, not its folder.
          if (!mustExist && location.file !== ":memory:") {
            mkdirSync(path.dirname(location.file), { recursive: true });
          }
          const db = new Database(location.file, { fileMustExist: mustExist });
          // Wait for a writer (the app) rather than fail at once on a busy database.
          db.pragma("busy_timeout = 5000");
          return db as never;
        },
      }),
    });
  }
  return new Kysely<DB>({
    dialect: new PostgresDialect({
      pool: async () => {
        const { default: pg } = await importOptional<PgModule>(
          DATABASE_PACKAGES.postgres,
          'A "postgres://" database',
        );
        const pool = new pg.Pool({
          connectionString: location.url,
          max: 4,
          connectionTimeoutMillis: 10_000,
        });
        // An idle connection dropped by the server must not crash the process;
        // the next query fails and reports it.
        pool.on("error", () => undefined);
        return pool as never;
      },
    }),
  });
}

/**
 * `createDatabase`, then one round trip, so an unreachable database or a
 * missing driver fails here with a message naming the database.
 */
export async function openDatabase<DB = AnyDatabase>(
  url: string,
  options: OpenDatabaseOptions = {},
): Promise<Kysely<DB>> {
  const db = createDatabase<DB>(url, options);
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    if (error instanceof StowageError) throw error;
    throw new DatabaseError(`Could not open the database ${describeDatabaseUrl(url)}`, error);
  }
  return db;
}

/**
 * Which SQL dialect a Kysely instance speaks. Only SQLite and PostgreSQL are
 * supported: the catalogue queries and the streaming differ per dialect.
 */
export function dialectOf(db: Kysely<AnyDatabase>): Dialect {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return "postgres";
  if (adapter instanceof SqliteAdapter) return "sqlite";
  // An instance built with another copy of kysely: recognise it by its adapter's class.
  for (let proto = Object.getPrototypeOf(adapter); proto; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === "PostgresAdapter") return "postgres";
    if (proto.constructor?.name === "SqliteAdapter") return "sqlite";
  }
  throw new StowageError(
    "E_DATABASE_DIALECT",
    `stowage/media works with SQLite and PostgreSQL databases; this Kysely instance uses ${adapter.constructor?.name ?? "another dialect"}.`,
  );
}
