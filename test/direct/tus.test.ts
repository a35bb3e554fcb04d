import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStorage } from "../../src/storage/index.js";
import type { Storage } from "../../src/storage/types.js";
import type { DirectUploads, TusUploads } from "../../src/uploads/direct/index.js";
import { prepareUpload } from "../../src/uploads/direct/prepare.js";
import { directFor, pdfBytes, sha256 } from "./support.js";
import { createUpload, offsetOf, patch, patchCut, TUS } from "./tus-client.js";

let base: string;
let appBase: string;
let root: string;
let tusDir: string;
let storage: Storage;
let direct: DirectUploads;
let tus: TusUploads;
let close: () => Promise<void>;

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), "stowage-tus-"));
  root = path.join(base, "media");
  tusDir = path.join(base, "tus");
  storage = createStorage({ driver: "fs", root });
  direct = directFor({ default: storage }, { tusPath: "/uploads/tus/" });
  tus = await direct.tus({ directory: tusDir, expiresAfter: 3600_000 });
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/uploads/tus")) void tus.handle(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  appBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
});
afterEach(async () => {
  await close();
  await rm(base, { recursive: true, force: true });
});
const app = () => appBase;

/** A document: a PDF header, then random bytes (nothing compresses or dedupes). */
function document(size: number): Buffer {
  const bytes = randomBytes(size);
  pdfBytes(64).copy(bytes);
  return bytes;
}

async function prepareTus(size: number) {
  return direct.prepare({ field: "document", filename: "big.pdf", size, method: "tus" });
}

async function tusFiles(): Promise<string[]> {
  return readdir(tusDir).catch(() => []);
}

describe("resumable uploads over tus", () => {
  it("resumes an upload cut at 50% by a closed connection, to the same sha256, sending under 1.1x the file", async () => {
    const bytes = document(900 * 1024);
    const prepared = await prepareTus(bytes.length);
    const created = await createUpload(
      app(),
      "/uploads/tus/",
      bytes.length,
      prepared.upload.method === "TUS" ? prepared.upload.metadata : {},
    );
    expect(created.status).toBe(201);
    const url = new URL(created.headers.get("location") as string, app());
    const file = path.join(tusDir, path.basename(url.pathname));
    let sent = await patchCut(url, 0, bytes, bytes.length / 2, async () => (await stat(file)).size);
    // The server keeps what arrived; the client asks where to go on from.
    let offset = await offsetOf(url);
    for (let tries = 0; tries < 100 && offset === 0; tries += 1) offset = await offsetOf(url);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(bytes.length / 2);
    const rest = await patch(url, offset, bytes.subarray(offset));
    sent += bytes.length - offset;
    expect(rest.status).toBe(204);
    expect(rest.headers.get("upload-offset")).toBe(String(bytes.length));
    expect(sent).toBeLessThan(bytes.length * 1.1);
    const confirmed = await direct.confirm(prepared.ticket);
    expect(sha256(await storage.read(confirmed.name))).toBe(sha256(bytes));
    expect(await tusFiles()).toEqual([]);
  });

  it("refuses a declared Upload-Length over the field's limit with 413 before a byte is stored", async () => {
    const prepared = await prepareTus(1000);
    const metadata = prepared.upload.method === "TUS" ? prepared.upload.metadata : {};
    const created = await createUpload(app(), "/uploads/tus/", 2 * 1024 * 1024, metadata);
    expect(created.status).toBe(413);
    expect(await tusFiles()).toEqual([]);
    const lying = await createUpload(app(), "/uploads/tus/", 2000, metadata);
    expect(lying.status).toBe(400);
    expect(await lying.text()).toMatch(
      /Upload-Length \(2000\) differs from the size given when the upload was prepared \(1000\)/,
    );
    const deferred = await createUpload(app(), "/uploads/tus/", "deferred", metadata);
    expect(deferred.status).toBe(400);
    expect(await tusFiles()).toEqual([]);
  });

  it("refuses creation without a valid ticket, with one for a direct upload, an expired one, and one used twice", async () => {
    expect((await createUpload(app(), "/uploads/tus/", 10, { filename: "x.pdf" })).status).toBe(
      403,
    );
    const prepared = await prepareTus(10);
    const metadata = prepared.upload.method === "TUS" ? prepared.upload.metadata : {};
    expect((await createUpload(app(), "/uploads/tus/", 10, metadata)).status).toBe(201);
    const again = await createUpload(app(), "/uploads/tus/", 10, metadata);
    expect(again.status).toBe(403);
    expect(await again.text()).toBe(
      "The upload ticket was already used. Start the upload again for a new one.\n",
    );
    const direct_ = await direct.prepare({ field: "document", filename: "x.pdf", size: 10 });
    expect(
      (await createUpload(app(), "/uploads/tus/", 10, { ticket: direct_.ticket })).status,
    ).toBe(403);
    const old = await prepareUpload(
      direct.options,
      { field: "document", filename: "x.pdf", size: 10, method: "tus" },
      { now: Date.now() - 3600_000 },
    );
    const expired = await createUpload(app(), "/uploads/tus/", 10, { ticket: old.ticket });
    expect(expired.status).toBe(403);
    expect(await expired.text()).toBe("The upload ticket has expired. Start the upload again.\n");
    // Only the one upload created above is there (its bytes and its record).
    expect(await tusFiles()).toHaveLength(2);
  });

  it("puts a finished upload through confirm: an .exe renamed .pdf is refused and deleted", async () => {
    const bytes = Buffer.alloc(4096);
    bytes.write("MZ");
    const prepared = await prepareTus(bytes.length);
    const created = await createUpload(
      app(),
      "/uploads/tus/",
      bytes.length,
      prepared.upload.method === "TUS" ? prepared.upload.metadata : {},
    );
    const url = new URL(created.headers.get("location") as string, app());
    expect((await patch(url, 0, bytes)).status).toBe(204);
    const error = await direct.confirm(prepared.ticket).catch((caught) => caught);
    expect(error).toMatchObject({ code: "E_VALIDATION", rule: "realType" });
    const left: string[] = [];
    for await (const entry of storage.list(""))
      if (!entry.name.includes("/claims/")) left.push(entry.name);
    expect(left).toEqual([]);
  });

  it("moves a finished upload at confirm when its move failed as it finished", async () => {
    // The storage fails the first write to a pending key (not a ticket's mark), as an outage would.
    let failNext = true;
    const flaky: Storage = {
      ...storage,
      async save(name, content, options) {
        if (failNext && name.startsWith("_pending/") && !name.includes("/claims/")) {
          failNext = false;
          throw new Error("the storage is unreachable");
        }
        return storage.save(name, content, options);
      },
    };
    const flakyDirect = directFor({ default: flaky }, { tusPath: "/uploads/tus/" });
    const flakyTus = await flakyDirect.tus({ directory: tusDir });
    const server = createServer((req, res) => void flakyTus.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const flakyApp = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const bytes = document(2048);
      const prepared = await flakyDirect.prepare({
        field: "document",
        filename: "a.pdf",
        size: bytes.length,
        method: "tus",
      });
      const metadata = prepared.upload.method === "TUS" ? prepared.upload.metadata : {};
      const created = await createUpload(flakyApp, "/uploads/tus/", bytes.length, metadata);
      const url = new URL(created.headers.get("location") as string, flakyApp);
      expect((await patch(url, 0, bytes)).status).toBe(500);
      const confirmed = await flakyDirect.confirm(prepared.ticket);
      expect(sha256(await storage.read(confirmed.name))).toBe(sha256(bytes));
      expect(await tusFiles()).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("removes expired incomplete uploads and keeps young ones", async () => {
    const urls: URL[] = [];
    for (const _ of [1, 2]) {
      const prepared = await prepareTus(1000);
      const created = await createUpload(
        app(),
        "/uploads/tus/",
        1000,
        prepared.upload.method === "TUS" ? prepared.upload.metadata : {},
      );
      const url = new URL(created.headers.get("location") as string, app());
      await patch(url, 0, document(1000).subarray(0, 300));
      urls.push(url);
    }
    // Age the first upload past expiresAfter by its recorded creation date.
    const info = path.join(tusDir, `${path.basename(urls[0].pathname)}.json`);
    const record = JSON.parse(await readFile(info, "utf8"));
    record.creation_date = new Date(Date.now() - 2 * 3600_000).toISOString();
    await writeFile(info, JSON.stringify(record));
    expect(await tus.removeExpired()).toBe(1);
    expect((await fetch(urls[0], { method: "HEAD", headers: TUS })).status).toBe(404);
    expect(await offsetOf(urls[1])).toBe(300);
  });
});
