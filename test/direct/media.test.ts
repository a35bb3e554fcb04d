// Direct uploads with stowage/media: confirm hands the file to a unit of
// work, and `cleanup` sweeps what was uploaded and never confirmed.
import { mkdtemp, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/media/database.js";
import { createMedia } from "../../src/media/index.js";
import type { AnyDatabase, Media } from "../../src/media/types.js";
import { createStorage } from "../../src/storage/index.js";
import type { Storage } from "../../src/storage/types.js";
import type { DirectUploads } from "../../src/uploads/direct/index.js";
import { directFor, pdfBytes, sendUpload, startApp } from "./support.js";

let folder: string;
let storage: Storage;
let db: Kysely<AnyDatabase>;
let media: Media;
let direct: DirectUploads;
let app: Awaited<ReturnType<typeof startApp>>;

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), "stowage-direct-media-"));
  storage = createStorage({ driver: "fs", root: path.join(folder, "media") });
  const url = `sqlite:${path.join(folder, "app.db")}`;
  db = await openDatabase(url);
  await db.schema
    .createTable("documents")
    .addColumn("id", "integer", (col) => col.primaryKey())
    .addColumn("file", "text")
    .execute();
  media = createMedia({
    storages: { default: storage },
    database: url,
    references: [{ table: "documents", column: "file" }],
  });
  direct = directFor({ default: storage });
  app = await startApp(direct);
});
afterEach(async () => {
  await app.close();
  await media.close();
  await db.destroy();
  await rm(folder, { recursive: true, force: true });
});

async function uploaded(filename: string) {
  const bytes = pdfBytes();
  const prepared = await direct.prepare({ field: "document", filename, size: bytes.length });
  expect((await sendUpload(prepared, bytes, app.base)).status).toBe(201);
  if (prepared.upload.method !== "PUT") throw new Error("expected PUT");
  const key = decodeURIComponent(
    new URL(prepared.upload.url, app.base).pathname.slice("/uploads/direct/".length),
  );
  return { prepared, key, claim: key.replace("_pending/", "_pending/claims/") };
}

async function age(name: string, ms: number): Promise<void> {
  const then = new Date(Date.now() - ms);
  await utimes(path.join(folder, "media", name), then, then);
}

describe("direct uploads with stowage/media", () => {
  it("hands a confirmed file to the unit of work: kept with its record, gone when the work fails", async () => {
    const kept = await uploaded("kept.pdf");
    const name = await media.unitOfWork(async (unit) => {
      const file = await direct.confirm(kept.prepared.ticket, { unit });
      await db.insertInto("documents").values({ file: file.name }).execute();
      return file.name;
    });
    expect(await storage.exists(name)).toBe(true);
    expect(await media.isReferenced(name)).toBe(true);

    const lost = await uploaded("lost.pdf");
    let confirmedName = "";
    await expect(
      media.unitOfWork(async (unit) => {
        confirmedName = (await direct.confirm(lost.prepared.ticket, { unit })).name;
        throw new Error("the record could not be written");
      }),
    ).rejects.toThrow("the record could not be written");
    expect(confirmedName).toMatch(/^documents\//);
    expect(await storage.exists(confirmedName)).toBe(false);
    expect(await storage.exists(lost.key)).toBe(false);
  });

  it("stowage cleanup removes an abandoned pending upload past its grace period and keeps a young one", async () => {
    const abandoned = await uploaded("old.pdf");
    const young = await uploaded("new.pdf");
    await age(abandoned.key, 2 * 3600_000);
    await age(abandoned.claim, 2 * 3600_000);
    const confirmed = await media.unitOfWork(async (unit) => {
      const file = await direct.confirm((await uploaded("real.pdf")).prepared.ticket, { unit });
      await db.insertInto("documents").values({ file: file.name }).execute();
      return file.name;
    });
    await age(confirmed, 2 * 3600_000);

    const report = await media.cleanup({ olderThan: "1h" });
    expect(report.deleted).toBe(2);
    expect(await storage.exists(abandoned.key)).toBe(false);
    expect(await storage.exists(abandoned.claim)).toBe(false);
    expect(await storage.exists(young.key)).toBe(true);
    expect(await storage.exists(young.claim)).toBe(true);
    expect(await storage.exists(confirmed)).toBe(true);
  });
});
