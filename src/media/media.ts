import type { Kysely } from "kysely";
import { checkReferences } from "../config/resolve.js";
import type { ResolvedConfig } from "../config/types.js";
import { ConfigError } from "../errors.js";
import { createStoragesFromConfig } from "../storage/create.js";
import { cleanup } from "./cleanup.js";
import { createDatabase, openDatabase } from "./database.js";
import { checkOptions } from "./options.js";
import { ReferenceReader } from "./references.js";
import type { AnyDatabase, Media, MediaOptions } from "./types.js";
import { runUnitOfWork } from "./unit-of-work.js";

const MEDIA_OPTIONS = ["storages", "database", "references", "onDeleteError"];

function warnDeleteError(error: unknown, file: { storage: string; name: string }): void {
  const reason = error instanceof Error ? error.message : String(error);
  console.warn(
    `stowage/media: could not delete ${file.storage}:${file.name} (left for stowage cleanup): ${reason}`,
  );
}

function build(options: MediaOptions, db: Kysely<AnyDatabase> | undefined, ownsDb: boolean): Media {
  const storages = options.storages;
  if (typeof storages !== "object" || storages === null || !storages.default) {
    throw new ConfigError('Media needs `storages` with a "default" storage.', { key: "storages" });
  }
  const named = Object.keys(storages).filter((name) => name !== "default");
  const references = new ReferenceReader(db, checkReferences(options.references, named), named);
  const onDeleteError = options.onDeleteError ?? warnDeleteError;
  return {
    storages,
    db,
    unitOfWork: (work) => runUnitOfWork({ storages, references, onDeleteError }, work),
    async isReferenced(name, storage = "default") {
      if (references.empty) return false;
      return references.isReferenced(name, storage);
    },
    cleanup: (cleanupOptions) => cleanup({ storages, references }, cleanupOptions),
    async close() {
      if (ownsDb) await db?.destroy();
    },
  };
}

/**
 * Files that follow their records. A `database` URL opens lazily (the first
 * query loads better-sqlite3 or pg); an app's own Kysely instance is used
 * as it is and never closed here.
 */
export function createMedia(options: MediaOptions): Media {
  checkOptions(options, MEDIA_OPTIONS, "createMedia()");
  const { database } = options;
  if (typeof database === "string") return build(options, createDatabase(database), true);
  return build(options, database, false);
}

/**
 * Storages, database and references from a resolved config (`loadConfig`
 * has applied `STOWAGE_DATABASE_URL` over `media.database`); `overrides`
 * replace any of them. A database URL is opened here, so an unreachable
 * database fails now, naming it.
 */
export async function mediaFromConfig(
  config: ResolvedConfig,
  overrides: Partial<MediaOptions> = {},
): Promise<Media> {
  checkOptions(overrides, MEDIA_OPTIONS, "mediaFromConfig()");
  const database = overrides.database ?? config.media.database;
  const options: MediaOptions = {
    storages: overrides.storages ?? createStoragesFromConfig(config),
    references: overrides.references ?? config.media.references,
    onDeleteError: overrides.onDeleteError,
  };
  if (typeof database !== "string") return build(options, database, false);
  return build(options, await openDatabase(database, { baseDir: config.baseDir }), true);
}
