import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as wait } from "node:timers/promises";
import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../src/media/database.js";
import { createMedia } from "../../src/media/index.js";
import { createStorage } from "../../src/storage/index.js";
import type { Storage } from "../../src/storage/types.js";
import type { DirectUploads } from "../../src/uploads/direct/index.js";
import {
  azuriteConnectionString,
  type Service,
  s3rverClient,
  startAzurite,
  startS3rver,
} from "../storage/services/start.js";
import { directFor, pdfBytes, sendUpload } from "./support.js";

/*
 * Abandoned direct uploads on the clouds: the pending sweep and `cleanup`
 * remove an upload past the grace period and keep a young one. A cloud
 * object cannot be backdated, so the test uploads the abandoned object,
 * waits until the clock has passed its stamp, uploads the young one, and
 * sets the grace period so that the cutoff falls half way between the two
 * stamps, with the clock held still while the sweep runs.
 */
let s3rver: Service;
let azurite: Service;
let connectionString: string;

beforeAll(async () => {
  [s3rver, azurite] = await Promise.all([startS3rver(["direct"]), startAzurite()]);
  connectionString = azuriteConnectionString(azurite.endpoint);
  await BlobServiceClient.fromConnectionString(connectionString)
    .getContainerClient("direct")
    .create();
}, 120_000);
afterAll(async () => {
  await Promise.all([s3rver?.stop(), azurite?.stop()]);
});
afterEach(() => {
  vi.useRealTimers();
});

const TARGETS = [
  {
    label: "S3 (s3rver, presigned POST)",
    storage: (): Storage =>
      createStorage({
        driver: "s3",
        bucket: "direct",
        location: `t-${randomUUID()}`,
        client: s3rverClient(s3rver.endpoint),
        endpoint: s3rver.endpoint,
        forcePathStyle: true,
      }),
  },
  {
    label: "Azure (Azurite, one-blob SAS)",
    storage: (): Storage =>
      createStorage({
        driver: "azure",
        container: "direct",
        location: `t-${randomUUID()}`,
        connectionString,
      }),
  },
];

/** Every name under `prefix` with its stamp as the listing gives it (what the sweeps read). */
async function listed(storage: Storage, prefix: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for await (const entry of storage.list(prefix)) {
    found.set(entry.name, entry.lastModified.getTime());
  }
  return found;
}

/** Uploads a document straight to the cloud and never confirms it; returns what it left pending. */
async function uploadUnconfirmed(storage: Storage, direct: DirectUploads, filename: string) {
  const before = await listed(storage, "_pending/");
  const bytes = pdfBytes();
  const prepared = await direct.prepare({ field: "document", filename, size: bytes.length });
  const response = await sendUpload(prepared, bytes, "http://127.0.0.1/", filename);
  expect(response.ok, await response.clone().text()).toBe(true);
  const after = await listed(storage, "_pending/");
  const names = [...after.keys()].filter((name) => !before.has(name));
  expect(names).toHaveLength(1);
  return { name: names[0], stamp: after.get(names[0])!, prepared };
}

/**
 * An abandoned pending upload and, uploaded once the clock has passed its
 * stamp by a second (stamps may be whole seconds), a young one. Returns
 * both and the grace period that puts the cutoff half way between their
 * stamps, with the clock now held still so the sweep computes that cutoff.
 */
async function abandonedAndYoung(storage: Storage, direct: DirectUploads) {
  const abandoned = await uploadUnconfirmed(storage, direct, "old.pdf");
  while (Date.now() < abandoned.stamp + 1000) await wait(abandoned.stamp + 1000 - Date.now());
  const young = await uploadUnconfirmed(storage, direct, "new.pdf");
  // The premise of the test, checked rather than assumed.
  expect(young.stamp).toBeGreaterThanOrEqual(abandoned.stamp + 1000);
  const now = Date.now();
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(now);
  const cutoff = Math.floor((abandoned.stamp + young.stamp) / 2);
  return { abandoned, young, olderThan: now - cutoff };
}

describe.each(TARGETS)("abandoned direct uploads on $label", ({ storage: make }) => {
  it("the pending sweep removes an abandoned upload once past the grace period, keeps a young one and everything else", async () => {
    const storage = make();
    const direct = directFor({ default: storage });
    await storage.save("documents/kept.pdf", pdfBytes());
    const { abandoned, young, olderThan } = await abandonedAndYoung(storage, direct);

    const dry = await direct.sweepPending({ olderThan, dryRun: true });
    expect(dry).toEqual({ removed: [`default:${abandoned.name}`], kept: 1 });
    expect(await storage.exists(abandoned.name)).toBe(true);

    const report = await direct.sweepPending({ olderThan });
    expect(report).toEqual({ removed: [`default:${abandoned.name}`], kept: 1 });
    expect(await storage.exists(abandoned.name)).toBe(false);
    expect(await storage.exists(young.name)).toBe(true);
    // Older than the cutoff too, but outside the pending prefix.
    expect(await storage.exists("documents/kept.pdf")).toBe(true);

    // The young upload can still be confirmed.
    vi.useRealTimers();
    const confirmed = await direct.confirm(young.prepared.ticket);
    expect(await storage.exists(confirmed.name)).toBe(true);
  });

  it("stowage cleanup removes an abandoned pending upload past its grace period and keeps a young one and a confirmed file", async () => {
    const storage = make();
    const direct = directFor({ default: storage });
    const folder = await mkdtemp(path.join(tmpdir(), "stowage-direct-clouds-"));
    const url = `sqlite:${path.join(folder, "app.db")}`;
    const db = await openDatabase(url);
    const media = createMedia({
      storages: { default: storage },
      database: db,
      references: [{ table: "documents", column: "file" }],
    });
    try {
      await db.schema
        .createTable("documents")
        .addColumn("id", "integer", (col) => col.primaryKey())
        .addColumn("file", "text")
        .execute();
      // Confirmed before the abandoned upload: as old as it, and referenced.
      const real = await uploadUnconfirmed(storage, direct, "real.pdf");
      const confirmed = await media.unitOfWork(async (unit) => {
        const file = await direct.confirm(real.prepared.ticket, { unit });
        await db.insertInto("documents").values({ file: file.name }).execute();
        return file.name;
      });
      const { abandoned, young, olderThan } = await abandonedAndYoung(storage, direct);

      const report = await media.cleanup({ olderThan });
      expect(report).toMatchObject({ orphans: 1, deleted: 1, young: 1, names: [abandoned.name] });
      expect(await storage.exists(abandoned.name)).toBe(false);
      expect(await storage.exists(young.name)).toBe(true);
      expect(await storage.exists(confirmed)).toBe(true);
    } finally {
      await media.close();
      await db.destroy();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
