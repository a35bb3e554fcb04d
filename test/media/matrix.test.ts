import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createMedia } from "../../src/media/index.js";
import type { Media, Storages } from "../../src/media/types.js";
import {
  type DatabaseFixture,
  type DatabaseKind,
  interceptedStorage,
  REFERENCES,
  Services,
  type StorageFixture,
  type StorageKind,
  storedNames,
  variantOf,
} from "./fixtures.js";

/*
 * The same unit-of-work and cleanup behaviour on every storage driver that
 * runs here (fs, memory, S3 on s3rver, Azure on Azurite) and both databases
 * (SQLite, PostgreSQL on a throwaway cluster).
 */
const STORAGES: StorageKind[] = ["fs", "memory", "s3", "azure"];
const DATABASES: DatabaseKind[] = ["sqlite", "postgres"];
const services = new Services();

beforeAll(() => services.start({ storages: STORAGES, databases: DATABASES }), 120_000);
afterAll(() => services.stop());

const combos = STORAGES.flatMap((storage) => DATABASES.map((database) => ({ storage, database })));

describe.each(combos)("$storage storage, $database database", ({ storage, database }) => {
  const skip = database === "postgres" && services.postgresSkip !== undefined;
  let files: StorageFixture;
  let data: DatabaseFixture;
  let storages: Storages;
  let media: Media;
  const errors: { error: unknown; file: { storage: string; name: string } }[] = [];

  beforeEach(async (context) => {
    if (skip) context.skip();
    files = await services.storages(storage);
    data = await services.database(database);
    storages = files.storages;
    errors.length = 0;
    media = createMedia({
      storages,
      database: data.db,
      references: REFERENCES,
      onDeleteError: (error, file) => errors.push({ error, file }),
    });
  });
  afterEach(async () => {
    await media?.close();
    await data?.remove();
    await files?.remove();
  });

  const insert = (table: string, row: Record<string, unknown>) =>
    data.db.insertInto(table).values(row).execute();

  describe("unit of work", () => {
    it("a unit of work that throws leaves no new file (nor its variants) and keeps the old one", async () => {
      const old = await storages.default.save("avatars/old.jpg", "old");
      await insert("avatars", { id: 1, image: old });
      let saved = "";
      const failure = new Error("the record could not be written");
      await expect(
        media.unitOfWork(async (unit) => {
          saved = await unit.save("avatars/new.jpg", "new");
          await unit.storage().save(variantOf(saved), "thumb");
          unit.remove(old);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(saved).toBe("avatars/new.jpg");
      expect(await storedNames(storages.default)).toEqual(["avatars/old.jpg"]);
      expect(errors).toEqual([]);
    });

    it("replacing a file deletes the old one and its variants only after the work succeeded", async () => {
      const old = await storages.default.save("avatars/me.jpg", "old");
      await storages.default.save(variantOf(old), "old thumb");
      await insert("avatars", { id: 1, image: old });
      const result = await media.unitOfWork(async (unit) => {
        const name = await unit.save("avatars/me.jpg", "new");
        unit.remove(old);
        // Not deleted yet: the work has not finished.
        expect(await storages.default.exists(old)).toBe(true);
        await data.db.updateTable("avatars").set({ image: name }).where("id", "=", 1).execute();
        return name;
      });
      expect(result).not.toBe(old);
      expect(await storedNames(storages.default)).toEqual([result]);
      expect(errors).toEqual([]);
    });

    it("a file referenced from two tables survives the deletion of one record", async () => {
      const shared = await storages.default.save("shared.png", "both");
      await insert("documents", { id: 1, file: shared });
      await insert("avatars", { id: 1, image: shared });
      await media.unitOfWork(async (unit) => {
        await data.db.deleteFrom("documents").where("id", "=", 1).execute();
        unit.remove(shared);
      });
      expect(await storages.default.exists(shared)).toBe(true);
      await media.unitOfWork(async (unit) => {
        await data.db.deleteFrom("avatars").where("id", "=", 1).execute();
        unit.remove(shared);
      });
      expect(await storages.default.exists(shared)).toBe(false);
    });

    it("a failed delete after success goes to onDeleteError and never rejects", async () => {
      const old = await storages.default.save("doc.pdf", "old");
      const broken = interceptedStorage(storages.default, {
        delete: async () => {
          throw new Error("permission denied");
        },
      });
      const withBroken = createMedia({
        storages: { ...storages, default: broken },
        database: data.db,
        references: REFERENCES,
        onDeleteError: (error, file) => errors.push({ error, file }),
      });
      await expect(withBroken.unitOfWork(async (unit) => unit.remove(old))).resolves.toBe(
        undefined,
      );
      expect(errors).toHaveLength(1);
      expect(errors[0].file).toEqual({ storage: "default", name: old });
      expect(String(errors[0].error)).toContain("permission denied");
      expect(await storages.default.exists(old)).toBe(true);
    });

    it("works on a named storage: saves roll back and removals wait for the references there", async () => {
      const kept = await storages.private.save("contracts/a.pdf", "a");
      await insert("private_files", { id: 1, file: kept });
      await expect(
        media.unitOfWork(async (unit) => {
          await unit.save("contracts/b.pdf", "b", { storage: "private" });
          throw new Error("rolled back");
        }),
      ).rejects.toThrow("rolled back");
      expect(await storedNames(storages.private)).toEqual(["contracts/a.pdf"]);
      // The same name in the default storage is not the referenced one.
      await media.unitOfWork(async (unit) => unit.remove(kept, { storage: "private" }));
      expect(await storages.private.exists(kept)).toBe(true);
      await data.db.deleteFrom("private_files").execute();
      await media.unitOfWork(async (unit) => unit.remove(kept, { storage: "private" }));
      expect(await storedNames(storages.private)).toEqual([]);
    });

    it("ignores remove(null) and remove(undefined), and refuses an unknown storage", async () => {
      await media.unitOfWork(async (unit) => {
        unit.remove(null);
        unit.remove(undefined);
        expect(() => unit.remove("x", { storage: "nope" })).toThrow(/no storage named "nope"/);
      });
      expect(errors).toEqual([]);
    });
  });

  describe("cleanup", () => {
    /** Two referenced documents (one with a variant), an avatar, orphans with variants, a private orphan. */
    async function seed() {
      const doc = await storages.default.save("docs/kept.pdf", "kept");
      const photo = await storages.default.save("photos/cat.jpg", "cat");
      await storages.default.save(variantOf(photo), "cat thumb");
      await insert("documents", { id: 1, file: doc });
      await insert("avatars", { id: 1, image: photo });
      await storages.default.save("docs/orphan.pdf", "orphan!");
      await storages.default.save("photos/gone.jpg", "gone");
      await storages.default.save(variantOf("photos/gone.jpg"), "gone thumb");
      // A variant-looking name whose original is referenced but which is not a variant of it.
      await storages.default.save("photos/cat.jpg.bak", "backup");
      const secret = await storages.private.save("secret.pdf", "s");
      await insert("private_files", { id: 1, file: secret });
      await storages.private.save("stale.pdf", "stale");
    }
    const ORPHANS = [
      "docs/orphan.pdf",
      "photos/cat.jpg.bak",
      "photos/gone.jpg",
      variantOf("photos/gone.jpg"),
    ];

    it("deletes orphans with their variants and keeps referenced files and their variants", async () => {
      await seed();
      const dry = await media.cleanup({ olderThan: 0, dryRun: true, storage: "default" });
      expect(dry).toMatchObject({ orphans: 4, deleted: 0, dryRun: true, more: 0 });
      expect([...dry.names].sort()).toEqual(ORPHANS);
      expect(dry.bytes).toBe(
        "orphan!".length + "backup".length + "gone".length + "gone thumb".length,
      );
      expect(await storedNames(storages.default)).toHaveLength(7);

      const report = await media.cleanup({ olderThan: 0 });
      expect(report).toMatchObject({ orphans: 5, deleted: 5, kept: 0 });
      expect(report.names).toContain("private:stale.pdf");
      expect(report.storages.default).toMatchObject({ listed: 7, orphans: 4, deleted: 4 });
      expect(await storedNames(storages.default)).toEqual([
        "docs/kept.pdf",
        "photos/cat.jpg",
        variantOf("photos/cat.jpg"),
      ]);
      expect(await storedNames(storages.private)).toEqual(["secret.pdf"]);
    });

    it("a file uploaded a second ago with no record survives a sweep", async () => {
      await storages.default.save("fresh.pdf", "just uploaded");
      await insert("documents", { id: 1, file: "other.pdf" });
      const report = await media.cleanup();
      expect(report).toMatchObject({ orphans: 0, deleted: 0, young: 1, olderThan: 3_600_000 });
      expect(await storedNames(storages.default)).toEqual(["fresh.pdf"]);
    });

    it("a file referenced from two tables survives a sweep after one of its records is deleted", async () => {
      const shared = await storages.default.save("shared.png", "both");
      await insert("documents", { id: 1, file: shared });
      await insert("avatars", { id: 1, image: shared });
      await data.db.deleteFrom("documents").where("id", "=", 1).execute();
      expect(await media.cleanup({ olderThan: 0 })).toMatchObject({ orphans: 0, deleted: 0 });
      await data.db.deleteFrom("avatars").where("id", "=", 1).execute();
      expect(await media.cleanup({ olderThan: 0 })).toMatchObject({ orphans: 1, deleted: 1 });
      expect(await storedNames(storages.default)).toEqual([]);
    });

    it("sweeps one named storage with storage, and names are then not qualified", async () => {
      await seed();
      const report = await media.cleanup({ olderThan: 0, storage: "private" });
      expect(report).toMatchObject({ orphans: 1, deleted: 1, names: ["stale.pdf"] });
      expect(Object.keys(report.storages)).toEqual(["private"]);
      expect(await storedNames(storages.default)).toHaveLength(7);
    });

    it("two sweeps at once neither double-delete nor crash", async () => {
      await seed();
      // Both sweeps reach their deletions only once both have listed: they overlap for sure.
      let listings = 0;
      let bothListed!: () => void;
      const barrier = new Promise<void>((resolve) => {
        bothListed = resolve;
      });
      const shared = interceptedStorage(storages.default, {
        list: (prefix) =>
          (async function* () {
            yield* storages.default.list(prefix);
            if (++listings === 2) bothListed();
          })(),
        stat: async (name) => {
          await barrier;
          return storages.default.stat(name);
        },
      });
      const sweeping = createMedia({
        storages: { ...storages, default: shared },
        database: data.db,
        references: REFERENCES,
      });
      const [one, two] = await Promise.all([
        sweeping.cleanup({ olderThan: 0 }),
        sweeping.cleanup({ olderThan: 0 }),
      ]);
      expect(one.orphans).toBe(5);
      expect(two.orphans).toBe(5);
      expect(one.deleted + two.deleted).toBe(5);
      expect(one.kept + two.kept).toBe(5);
      expect(await storedNames(storages.default)).toEqual([
        "docs/kept.pdf",
        "photos/cat.jpg",
        variantOf("photos/cat.jpg"),
      ]);
      expect(await storedNames(storages.private)).toEqual(["secret.pdf"]);
    });

    it("a record committed during the sweep keeps its file", async () => {
      await seed();
      let committed = false;
      const watched = interceptedStorage(storages.default, {
        // The first re-check stat of the delete phase: the app links an orphan to a new record.
        stat: async (name) => {
          if (!committed) {
            committed = true;
            await insert("documents", { id: 2, file: "docs/orphan.pdf" });
          }
          return storages.default.stat(name);
        },
      });
      const sweeping = createMedia({
        storages: { ...storages, default: watched },
        database: data.db,
        references: REFERENCES,
      });
      const report = await sweeping.cleanup({ olderThan: 0, storage: "default" });
      expect(committed).toBe(true);
      expect(report).toMatchObject({ orphans: 4, deleted: 3, kept: 1 });
      expect(await storages.default.exists("docs/orphan.pdf")).toBe(true);
    });

    it("a listing that fails half way stops the sweep and deletes nothing", async () => {
      await seed();
      const failing = interceptedStorage(storages.default, {
        list: (prefix) =>
          (async function* () {
            let listed = 0;
            for await (const entry of storages.default.list(prefix)) {
              if (++listed === 4) throw new Error("connection reset by peer");
              yield entry;
            }
          })(),
      });
      const sweeping = createMedia({
        storages: { ...storages, default: failing },
        database: data.db,
        references: REFERENCES,
      });
      const error = await sweeping.cleanup({ olderThan: 0 }).catch((caught) => caught);
      expect(error).toMatchObject({ code: "E_CLEANUP", deleted: 0 });
      expect(error.message).toMatch(
        /^Cleanup stopped; nothing was deleted: Listing the storage "default" failed after 3 files: .*connection reset by peer/,
      );
      expect(error.message).not.toContain("\n");
      expect(await storedNames(storages.default)).toHaveLength(7);
      expect(await storedNames(storages.private)).toEqual(["secret.pdf", "stale.pdf"]);
    });

    it("reports progress while listing and deleting", async () => {
      await seed();
      const onProgress = vi.fn();
      await media.cleanup({ olderThan: 0, onProgress });
      const phases = onProgress.mock.calls.map(([progress]) => progress.phase);
      expect(phases).toContain("scan");
      expect(onProgress.mock.calls.at(-1)![0]).toMatchObject({
        phase: "delete",
        deleted: 5,
        orphans: 5,
      });
    });
  });
});
