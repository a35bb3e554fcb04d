// Files that follow their records: a unit of work (files saved during it are
// removed again if it fails; files it replaces are removed only after it
// succeeded and nothing references them), and the orphan sweep's dry run.
// Shaped like `stowage/media`'s `createMedia`, which replaces this module
// once the library exports it.
import { deleteWithVariants, parseVariantName } from "stowage/images";

/** "90s", "30m", "2h", "7d" or milliseconds. @param {number | string} value */
function toMilliseconds(value) {
  if (typeof value === "number") return value;
  const match = /^(\d+)(s|m|h|d)$/.exec(value);
  if (!match) throw new Error(`A duration must look like 90s, 30m, 2h or 7d; found "${value}".`);
  return Number(match[1]) * { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[match[2]];
}

/**
 * @param {{
 *   storages: Record<string, import("stowage/storage").Storage> & { default: import("stowage/storage").Storage },
 *   db: import("kysely").Kysely<any>,
 *   references: { table: string, column: string, storage?: string }[],
 *   onDeleteError?: (error: unknown, file: { storage: string, name: string }) => void,
 * }} options
 */
export function createMedia({ storages, db, references, onDeleteError }) {
  const reportDeleteError =
    onDeleteError ??
    ((error, file) =>
      console.warn(
        `Could not delete ${file.storage}:${file.name}: ${/** @type {Error} */ (error).message}`,
      ));

  /** @param {string} storage */
  const storageNamed = (storage) => {
    const found = storages[storage];
    if (!found) throw new Error(`No storage named "${storage}".`);
    return found;
  };
  /** @param {string} storage */
  const referencesOf = (storage) =>
    references.filter((ref) => (ref.storage ?? "default") === storage);

  /** @param {string} name @param {string} [storage] */
  async function isReferenced(name, storage = "default") {
    for (const ref of referencesOf(storage)) {
      const row = await db
        .selectFrom(ref.table)
        .select(ref.column)
        .where(ref.column, "=", name)
        .limit(1)
        .executeTakeFirst();
      if (row) return true;
    }
    return false;
  }

  /**
   * @template T
   * @param {(unit: UnitOfWork) => Promise<T>} work
   * @returns {Promise<T>}
   */
  async function unitOfWork(work) {
    /** @type {{ storage: string, name: string }[]} */
    const saved = [];
    /** @type {{ storage: string, name: string }[]} */
    const removals = [];
    /** @param {string} storage */
    const tracked = (storage) => {
      const target = storageNamed(storage);
      return new Proxy(target, {
        get(object, property) {
          if (property === "save") {
            return async (/** @type {[string, any, any]} */ ...args) => {
              const name = await object.save(...args);
              saved.push({ storage, name });
              return name;
            };
          }
          if (property === "copy") {
            return async (/** @type {[string, string, any]} */ ...args) => {
              const name = await object.copy(...args);
              saved.push({ storage, name });
              return name;
            };
          }
          const value = Reflect.get(object, property);
          return typeof value === "function" ? value.bind(object) : value;
        },
      });
    };
    /** @type {UnitOfWork} */
    const unit = {
      save(name, content, options = {}) {
        const { storage = "default", ...saveOptions } = options;
        return tracked(storage).save(name, content, saveOptions);
      },
      storage: (name = "default") => tracked(name),
      remove(name, options = {}) {
        if (name) removals.push({ storage: options.storage ?? "default", name });
      },
    };
    let value;
    try {
      value = await work(unit);
    } catch (error) {
      for (const file of saved) {
        await deleteWithVariants(storageNamed(file.storage), file.name).catch((cause) =>
          reportDeleteError(cause, file),
        );
      }
      throw error;
    }
    for (const file of removals) {
      try {
        if (await isReferenced(file.name, file.storage)) continue;
        await deleteWithVariants(storageNamed(file.storage), file.name);
      } catch (error) {
        reportDeleteError(error, file);
      }
    }
    return value;
  }

  /**
   * Files no record references (variants count as their original's), older
   * than `olderThan` so an upload in progress is never taken for one.
   * @param {{ dryRun?: boolean, olderThan?: number | string }} [options]
   */
  async function cleanup(options = {}) {
    const cutoff = Date.now() - toMilliseconds(options.olderThan ?? "1h");
    const swept = [...new Set(references.map((ref) => ref.storage ?? "default"))];
    const report = {
      orphans: 0,
      bytes: 0,
      deleted: 0,
      young: 0,
      names: /** @type {string[]} */ ([]),
    };
    for (const storage of swept) {
      const names = new Set();
      for (const ref of referencesOf(storage)) {
        const rows = await db
          .selectFrom(ref.table)
          .select(ref.column)
          .where(ref.column, "is not", null)
          .execute();
        for (const row of rows) names.add(row[ref.column]);
      }
      for await (const entry of storageNamed(storage).list()) {
        const original = parseVariantName(entry.name)?.original ?? entry.name;
        if (names.has(original)) continue;
        if (entry.lastModified.getTime() > cutoff) {
          report.young += 1;
          continue;
        }
        report.orphans += 1;
        report.bytes += entry.size;
        if (report.names.length < 10)
          report.names.push(swept.length > 1 ? `${storage}:${entry.name}` : entry.name);
        if (!options.dryRun) {
          await storageNamed(storage).delete(entry.name);
          report.deleted += 1;
        }
      }
    }
    return report;
  }

  return { storages, db, unitOfWork, isReferenced, cleanup, close: () => db.destroy() };
}

/**
 * @typedef {object} UnitOfWork
 * @property {(name: string, content: import("stowage/storage").StorageContent, options?: import("stowage/storage").SaveOptions & { storage?: string }) => Promise<string>} save
 * @property {(name?: string) => import("stowage/storage").Storage} storage
 * @property {(name: string | null | undefined, options?: { storage?: string }) => void} remove
 */
