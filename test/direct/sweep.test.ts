import { mkdtemp, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStorage } from "../../src/storage/index.js";
import type { Storage } from "../../src/storage/types.js";
import type { DirectUploads } from "../../src/uploads/direct/index.js";
import { directFor, pdfBytes, sendUpload, startApp } from "./support.js";

let root: string;
let storage: Storage;
let direct: DirectUploads;
let app: Awaited<ReturnType<typeof startApp>>;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "stowage-sweep-"));
  storage = createStorage({ driver: "fs", root });
  direct = directFor({ default: storage });
  app = await startApp(direct);
});
afterEach(async () => {
  await app.close();
  await rm(root, { recursive: true, force: true });
});

async function uploadUnconfirmed(filename: string): Promise<string> {
  const bytes = pdfBytes();
  const prepared = await direct.prepare({ field: "document", filename, size: bytes.length });
  expect((await sendUpload(prepared, bytes, app.base)).status).toBe(201);
  if (prepared.upload.method !== "PUT") throw new Error("expected PUT");
  return decodeURIComponent(
    new URL(prepared.upload.url, app.base).pathname.slice("/uploads/direct/".length),
  );
}

/** Backdates an object on disk, as if it had been uploaded `ms` ago. */
async function age(name: string, ms: number): Promise<void> {
  const then = new Date(Date.now() - ms);
  await utimes(path.join(root, name), then, then);
}

describe("the pending sweep", () => {
  it("removes an abandoned upload and its ticket's mark once past the grace period, keeps a young one and everything else", async () => {
    const abandoned = await uploadUnconfirmed("old.pdf");
    const young = await uploadUnconfirmed("new.pdf");
    const claim = abandoned.replace("_pending/", "_pending/claims/");
    await age(abandoned, 2 * 3600_000);
    await age(claim, 2 * 3600_000);
    await storage.save("documents/kept.pdf", pdfBytes());
    await age("documents/kept.pdf", 48 * 3600_000);

    const dry = await direct.sweepPending({ dryRun: true });
    expect(dry.removed.sort()).toEqual([`default:${abandoned}`, `default:${claim}`].sort());
    expect(await storage.exists(abandoned)).toBe(true);

    const report = await direct.sweepPending();
    expect(report.removed.sort()).toEqual([`default:${abandoned}`, `default:${claim}`].sort());
    expect(report.kept).toBe(2);
    expect(await storage.exists(abandoned)).toBe(false);
    expect(await storage.exists(young)).toBe(true);
    expect(await storage.exists("documents/kept.pdf")).toBe(true);
  });

  it("refuses a negative grace period", async () => {
    await expect(direct.sweepPending({ olderThan: -1 })).rejects.toThrow(
      "olderThan must be a number of milliseconds >= 0; got -1.",
    );
  });
});
