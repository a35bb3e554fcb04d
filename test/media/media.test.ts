import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { resolveConfig } from "../../src/config/resolve.js";
import { createMedia, mediaFromConfig, openDatabase } from "../../src/media/index.js";
import type { Storages } from "../../src/media/types.js";
import { createStorage } from "../../src/storage/index.js";
import { type PostgresCluster, postgresMissing, startPostgres } from "../support/postgres.js";
import { interceptedStorage, storedNames, variantOf } from "./fixtures.js";

const postgresSkip = postgresMissing();
let postgres: PostgresCluster | undefined;
beforeAll(async () => {
  if (!postgresSkip) postgres = await startPostgres();
}, 120_000);
afterAll(() => postgres?.stop());

let folder: string;
afterEach(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function sqliteUrl(): Promise<string> {
  folder = await mkdtemp(path.join(tmpdir(), "stowage-media-lib-"));
  return `sqlite:${path.join(folder, "app.db")}`;
}

function memoryStorages(): Storages {
  return { default: createStorage("memory://"), private: createStorage("memory://") };
}

describe("references from a function", () => {
  it("sweeps the storages it names, with plain names meaning the default storage", async () => {
    const storages = memoryStorages();
    await storages.default.save("kept.txt", "k");
    await storages.default.save("gone.txt", "g");
    await storages.private.save("secret.txt", "s");
    await storages.private.save("stale.txt", "s");
    const media = createMedia({
      storages,
      references: async function* () {
        yield "kept.txt";
        yield { storage: "private", name: "secret.txt" };
        yield { name: "also-default.txt" };
      },
    });
    const report = await media.cleanup({ olderThan: 0 });
    expect(report).toMatchObject({ orphans: 2, deleted: 2 });
    expect(await storedNames(storages.default)).toEqual(["kept.txt"]);
    expect(await storedNames(storages.private)).toEqual(["secret.txt"]);
    expect(await media.isReferenced("secret.txt", "private")).toBe(true);
    expect(await media.isReferenced("secret.txt")).toBe(false);
  });

  it("leaves a storage it never names alone", async () => {
    const storages = memoryStorages();
    await storages.private.save("unknown.txt", "?");
    const media = createMedia({
      storages,
      references: async function* () {
        yield "a.txt";
      },
    });
    const report = await media.cleanup({ olderThan: 0 });
    expect(Object.keys(report.storages)).toEqual(["default"]);
    expect(await storedNames(storages.private)).toEqual(["unknown.txt"]);
  });

  it("refuses to sweep a named storage it never names, deleting nothing", async () => {
    const storages = memoryStorages();
    await storages.private.save("contract.pdf", "c");
    const media = createMedia({
      storages,
      references: async function* () {
        yield "a.txt";
      },
    });
    await expect(media.cleanup({ olderThan: 0, storage: "private" })).rejects.toThrow(
      /^Cleanup stopped; nothing was deleted: No reference is for the storage "private", so every file in it would look orphaned/,
    );
    expect(await storedNames(storages.private)).toEqual(["contract.pdf"]);
  });

  it("refuses a name for a storage that is not configured, deleting nothing", async () => {
    const storages = memoryStorages();
    await storages.default.save("a.txt", "a");
    const media = createMedia({
      storages,
      references: async function* () {
        yield { storage: "privat", name: "x.txt" };
      },
    });
    await expect(media.cleanup({ olderThan: 0 })).rejects.toThrow(
      /nothing was deleted: The reference references\(\) holds "x.txt", which cannot be a stored name \(it names the storage "privat", which is not configured\)/,
    );
    expect(await storedNames(storages.default)).toEqual(["a.txt"]);
  });
});

describe("configuration mistakes", () => {
  it("columns without a database are refused when the media is created", () => {
    expect(() =>
      createMedia({ storages: memoryStorages(), references: [{ table: "t", column: "c" }] }),
    ).toThrow(/names database columns, but no media.database/);
  });

  it("a reference to a storage that does not exist is refused", () => {
    expect(() =>
      createMedia({
        storages: memoryStorages(),
        database: "sqlite::memory:",
        references: [{ table: "t", column: "c", storage: "archive" }],
      }),
    ).toThrow(/media.references\[0\].storage/);
  });

  it("refuses to sweep a storage no column is for, deleting nothing", async () => {
    const storages = memoryStorages();
    await storages.private.save("contract.pdf", "c");
    const media = createMedia({
      storages,
      database: "sqlite::memory:",
      references: [{ table: "documents", column: "file" }],
    });
    await expect(media.cleanup({ olderThan: 0, storage: "private" })).rejects.toThrow(
      'No reference is for the storage "private", so every file in it would look orphaned; cleanup refuses to sweep it.',
    );
    expect(await storedNames(storages.private)).toEqual(["contract.pdf"]);
    await media.close();
  });

  it("an aborted sweep deletes nothing", async () => {
    const storages = memoryStorages();
    await storages.default.save("a.txt", "a");
    const media = createMedia({
      storages,
      references: async function* () {
        yield "b.txt";
      },
    });
    const controller = new AbortController();
    controller.abort(new Error("interrupted"));
    await expect(media.cleanup({ olderThan: 0, signal: controller.signal })).rejects.toThrow(
      "Cleanup stopped; nothing was deleted: interrupted",
    );
    expect(await storedNames(storages.default)).toEqual(["a.txt"]);
  });
});

describe("failures while deleting", () => {
  it("a deletion that fails stops the sweep and says how far it got", async () => {
    const storages = memoryStorages();
    await storages.default.save("a.txt", "a");
    await storages.default.save("b.txt", "b");
    const inner = storages.default;
    const media = createMedia({
      storages: {
        default: interceptedStorage(inner, {
          delete: async (name) => {
            if (name === "a.txt") throw new Error("access denied");
            return inner.delete(name);
          },
        }),
      },
      references: async function* () {
        yield "c.txt";
      },
    });
    const error = await media.cleanup({ olderThan: 0 }).catch((caught) => caught);
    expect(error).toMatchObject({ code: "E_CLEANUP", deleted: 1 });
    expect(error.message).toBe("Cleanup stopped after deleting 1 file: access denied");
    expect(await storedNames(inner)).toEqual(["a.txt"]);
  });

  it("a re-check that cannot read the references stops before deleting that page", async () => {
    const storages = memoryStorages();
    await storages.default.save("a.txt", "a");
    let reads = 0;
    const media = createMedia({
      storages,
      references: async function* () {
        reads += 1;
        if (reads > 1) throw new Error("the reference service is down");
        yield "b.txt";
      },
    });
    await expect(media.cleanup({ olderThan: 0 })).rejects.toThrow(
      "Cleanup stopped; nothing was deleted: the reference service is down",
    );
    expect(await storedNames(storages.default)).toEqual(["a.txt"]);
  });

  it("after success, a failed deletion is logged in one line by default", async () => {
    const storages = memoryStorages();
    await storages.default.save("a.txt", "a");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const media = createMedia({
        storages: {
          default: interceptedStorage(storages.default, {
            delete: async () => {
              throw new Error("read-only file system");
            },
          }),
        },
      });
      await media.unitOfWork(async (unit) => unit.remove("a.txt"));
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toBe(
        "stowage/media: could not delete default:a.txt (left for stowage cleanup): read-only file system",
      );
    } finally {
      warn.mockRestore();
    }
  });
});

describe("isReferenced and variants", () => {
  it("a variant is referenced while its original is", async () => {
    const url = await sqliteUrl();
    const db = await openDatabase(url);
    await db.schema.createTable("photos").addColumn("image", "text").execute();
    await db.insertInto("photos").values({ image: "cat.jpg" }).execute();
    const media = createMedia({
      storages: memoryStorages(),
      database: db,
      references: [{ table: "photos", column: "image" }],
    });
    expect(await media.isReferenced("cat.jpg")).toBe(true);
    expect(await media.isReferenced(variantOf("cat.jpg"))).toBe(true);
    expect(await media.isReferenced("cat.jpg.bak")).toBe(false);
    expect(await media.isReferenced(variantOf("dog.jpg"))).toBe(false);
    await db.destroy();
  });
});

describe("unit of work edges", () => {
  it("waits for a save the work did not await before rolling back", async () => {
    const storages = memoryStorages();
    const media = createMedia({ storages });
    let release!: () => void;
    const slow = new ReadableStream<Uint8Array>({
      start(controller) {
        release = () => {
          controller.enqueue(new TextEncoder().encode("late"));
          controller.close();
        };
      },
    });
    await expect(
      media.unitOfWork(async (unit) => {
        void unit.save("late.txt", slow);
        setTimeout(() => release(), 50);
        throw new Error("failed before the save finished");
      }),
    ).rejects.toThrow("failed before the save finished");
    expect(await storedNames(storages.default)).toEqual([]);
  });

  it("refuses saves once the unit has finished, saving nothing", async () => {
    const storages = memoryStorages();
    const media = createMedia({ storages });
    let kept: Parameters<Parameters<typeof media.unitOfWork>[0]>[0] | undefined;
    await media.unitOfWork(async (unit) => {
      kept = unit;
    });
    await expect(kept!.save("late.txt", "x")).rejects.toThrow(/has finished/);
    expect(await storedNames(storages.default)).toEqual([]);
  });

  it("without references, remove deletes the file and its variants after success", async () => {
    const storages = memoryStorages();
    await storages.default.save("a.jpg", "a");
    await storages.default.save(variantOf("a.jpg"), "t");
    await storages.default.save("a.jpg.bak", "b");
    const media = createMedia({ storages });
    await media.unitOfWork(async (unit) => unit.remove("a.jpg"));
    expect(await storedNames(storages.default)).toEqual(["a.jpg.bak"]);
  });

  it("a unit's tracked storage copies are rolled back too", async () => {
    const storages = memoryStorages();
    await storages.private.save("a.txt", "a");
    const media = createMedia({ storages });
    await expect(
      media.unitOfWork(async (unit) => {
        await unit.storage("private").copy("a.txt", "b.txt");
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect(await storedNames(storages.private)).toEqual(["a.txt"]);
  });
});

describe("mediaFromConfig", () => {
  it("opens the configured database and closes it on close()", async () => {
    const url = await sqliteUrl();
    const setup = await openDatabase(url);
    await setup.schema.createTable("documents").addColumn("file", "text").execute();
    await setup.insertInto("documents").values({ file: "a.txt" }).execute();
    await setup.destroy();
    const config = resolveConfig(
      {
        media: {
          storage: "memory://",
          // Relative to the config's folder, where sqliteUrl() put app.db.
          database: "sqlite:app.db",
          references: [{ table: "documents", column: "file" }],
        },
      },
      folder,
    );
    const media = await mediaFromConfig(config);
    expect(await media.isReferenced("a.txt")).toBe(true);
    await media.close();
    await expect(sql`select 1`.execute(media.db!)).rejects.toThrow(/destroyed/);
  });

  it("leaves an app's own Kysely instance open", async () => {
    const db = await openDatabase(await sqliteUrl());
    const config = resolveConfig({ media: { storage: "memory://" } }, folder);
    const media = await mediaFromConfig(config, { database: db });
    expect(media.db).toBe(db);
    await media.close();
    await expect(sql`select 1 as one`.execute(db)).resolves.toMatchObject({ rows: [{ one: 1 }] });
    await db.destroy();
  });

  it("fails at once, naming the database, when it cannot be reached", async () => {
    const config = resolveConfig({ media: { database: "postgres://u:pw@127.0.0.1:1/app" } }, "/");
    await expect(mediaFromConfig(config)).rejects.toThrow(
      /^Could not open the database postgres:\/\/u:\*\*\*@127.0.0.1:1\/app: .*ECONNREFUSED/,
    );
  });
});

describe.each(["sqlite", "postgres"] as const)("catalogue checks and quoting (%s)", (kind) => {
  const skip = kind === "postgres" && postgresSkip !== undefined;

  async function database() {
    return openDatabase(kind === "sqlite" ? await sqliteUrl() : await postgres!.createDatabase());
  }

  it.skipIf(skip)("reads a table and column whose names need quoting", async () => {
    const db = await database();
    await db.schema.createTable('odd "table"; drop').addColumn("file name", "text").execute();
    await db
      .insertInto('odd "table"; drop' as never)
      .values({ "file name": "kept.txt" } as never)
      .execute();
    const storages = memoryStorages();
    await storages.default.save("kept.txt", "k");
    await storages.default.save("gone.txt", "g");
    const media = createMedia({
      storages,
      database: db,
      references: [{ table: 'odd "table"; drop', column: "file name" }],
    });
    expect(await media.cleanup({ olderThan: 0 })).toMatchObject({ deleted: 1 });
    expect(await storedNames(storages.default)).toEqual(["kept.txt"]);
    await db.destroy();
  });

  it.skipIf(skip)(
    "matches names case-insensitively when only one table fits, as SQL does",
    async () => {
      const db = await database();
      await db.schema.createTable("documents").addColumn("file", "text").execute();
      await db.insertInto("documents").values({ file: "a.txt" }).execute();
      const media = createMedia({
        storages: memoryStorages(),
        database: db,
        references: [{ table: "Documents", column: "FILE" }],
      });
      expect(await media.isReferenced("a.txt")).toBe(true);
      await db.destroy();
    },
  );

  it.skipIf(skip)("takes a schema-qualified table", async () => {
    const db = await database();
    await db.schema.createTable("documents").addColumn("file", "text").execute();
    await db.insertInto("documents").values({ file: "a.txt" }).execute();
    const schema = kind === "sqlite" ? "main" : "public";
    const media = createMedia({
      storages: memoryStorages(),
      database: db,
      references: [{ table: `${schema}.documents`, column: "file" }],
    });
    expect(await media.isReferenced("a.txt")).toBe(true);
    await db.destroy();
  });

  it.skipIf(skip)("refuses a column that does not hold text names", async () => {
    const db = await database();
    await db.schema.createTable("documents").addColumn("size", "integer").execute();
    await db.insertInto("documents").values({ size: 42 }).execute();
    const storages = memoryStorages();
    await storages.default.save("a.txt", "a");
    const media = createMedia({
      storages,
      database: db,
      references: [{ table: "documents", column: "size" }],
    });
    await expect(media.cleanup({ olderThan: 0 })).rejects.toThrow(
      /The reference documents.size holds number 42, which cannot be a stored name \(not a string\)/,
    );
    expect(await storedNames(storages.default)).toEqual(["a.txt"]);
    await db.destroy();
  });

  it.skipIf(skip)("refuses bytes among the names, naming the value", async () => {
    const db = await database();
    await db.schema
      .createTable("documents")
      .addColumn("file", kind === "sqlite" ? "blob" : "bytea")
      .execute();
    // SQLite keeps a text value as text in a blob column: a valid name beside the bytes.
    if (kind === "sqlite") await db.insertInto("documents").values({ file: "a.txt" }).execute();
    await db
      .insertInto("documents")
      .values({ file: Buffer.from("b.txt") })
      .execute();
    const storages = memoryStorages();
    await storages.default.save("a.txt", "a");
    await storages.default.save("c.txt", "c");
    const media = createMedia({
      storages,
      database: db,
      references: [{ table: "documents", column: "file" }],
    });
    await expect(media.cleanup({ olderThan: 0 })).rejects.toThrow(
      /The reference documents.file holds object b.txt, which cannot be a stored name \(not a string\)/,
    );
    expect(await storedNames(storages.default)).toEqual(["a.txt", "c.txt"]);
    await db.destroy();
  });

  it.skipIf(skip)(
    "reads every row of tables larger than one fetch, with or without a rowid, and views",
    async () => {
      const db = await database();
      const rows = 25_000;
      const names = Array.from({ length: rows }, (_, index) => `docs/${index}.pdf`);
      await db.schema.createTable("documents").addColumn("file", "text").execute();
      const keyed = db.schema
        .createTable("keyed")
        .addColumn("rowid", "text", (col) => col.primaryKey())
        .addColumn("file", "text");
      await (kind === "sqlite" ? keyed.modifyEnd(sql`without rowid`) : keyed).execute();
      for (let start = 0; start < rows; start += 1000) {
        const batch = names.slice(start, start + 1000);
        await db
          .insertInto("documents")
          .values(batch.map((file) => ({ file })))
          .execute();
      }
      await db.insertInto("keyed").values({ rowid: "k", file: "keyed.pdf" }).execute();
      await sql`create view recent as select file from documents where file like 'docs/2499%'`.execute(
        db,
      );
      const storages = memoryStorages();
      for (const name of ["docs/0.pdf", "docs/24999.pdf", "keyed.pdf", "gone.pdf"]) {
        await storages.default.save(name, "x");
      }
      const everything = createMedia({
        storages,
        database: db,
        references: [
          { table: "documents", column: "file" },
          { table: "keyed", column: "file" },
          { table: "recent", column: "file" },
        ],
      });
      const report = await everything.cleanup({ olderThan: 0, dryRun: true });
      expect(report.names).toEqual(["gone.pdf"]);
      const viewOnly = createMedia({
        storages,
        database: db,
        references: [{ table: "recent", column: "file" }],
      });
      expect((await viewOnly.cleanup({ olderThan: 0, dryRun: true })).names.sort()).toEqual([
        "docs/0.pdf",
        "gone.pdf",
        "keyed.pdf",
      ]);
      await db.destroy();
    },
  );
});
