import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStorage } from "../../src/storage/index.js";
import type { Storage } from "../../src/storage/types.js";
import { createDirectUploads, type DirectUploads } from "../../src/uploads/direct/index.js";
import { MB } from "../../src/uploads/index.js";
import { pdfBytes, SECRET, sendUpload, startApp } from "./support.js";

/*
 * Confirm moves a checked object to the name its field's uploadTo gives.
 * When that name is taken (a fixed template, or two users' same file name),
 * the stored file must stay as it was and the new one get a free name.
 */

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "stowage-direct-final-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const storages: [string, () => Storage][] = [
  ["fs", () => createStorage({ driver: "fs", root })],
  ["memory", () => createStorage({ driver: "memory" })],
];

describe.each(storages)("confirm on a taken final name (%s)", (_driver, make) => {
  it("keeps the stored file and confirms the new one under a free name", async () => {
    const storage = make();
    const direct: DirectUploads = createDirectUploads({
      storages: { default: storage },
      secret: SECRET,
      endpoint: "/uploads/direct/",
      fields: { report: { maxSize: 1 * MB, extensions: ["pdf"], uploadTo: "reports/q3.pdf" } },
    });
    const app = await startApp(direct);
    try {
      const upload = async (bytes: Buffer) => {
        const prepared = await direct.prepare({
          field: "report",
          filename: "q3.pdf",
          size: bytes.length,
        });
        expect((await sendUpload(prepared, bytes, app.base)).status).toBe(201);
        return direct.confirm(prepared.ticket);
      };
      const first = pdfBytes(4096);
      const second = pdfBytes(8192);
      const one = await upload(first);
      const two = await upload(second);
      expect(one.name).toBe("reports/q3.pdf");
      expect(two.name).not.toBe(one.name);
      expect(two.name).toMatch(/^reports\/q3.+\.pdf$/);
      expect(Buffer.compare((await storage.read(one.name))!, first)).toBe(0);
      expect(Buffer.compare((await storage.read(two.name))!, second)).toBe(0);
    } finally {
      await app.close();
    }
  });
});
