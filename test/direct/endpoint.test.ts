import { mkdtemp, readdir, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStorage } from "../../src/storage/index.js";
import type { Storage } from "../../src/storage/types.js";
import { receiveDirectUpload } from "../../src/uploads/direct/endpoint.js";
import type { DirectUploads } from "../../src/uploads/direct/index.js";
import { prepareUpload } from "../../src/uploads/direct/prepare.js";
import { directFor, pdfBytes, sendUpload, startApp } from "./support.js";

let root: string;
let storage: Storage;
let direct: DirectUploads;
let app: Awaited<ReturnType<typeof startApp>>;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "stowage-direct-endpoint-"));
  storage = createStorage({ driver: "fs", root });
  direct = directFor({ default: storage });
  app = await startApp(direct);
});
afterEach(async () => {
  await app.close();
  await rm(root, { recursive: true, force: true });
});

async function pendingFiles(): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of storage.list("_pending/")) {
    if (!entry.name.includes("/claims/")) found.push(entry.name);
  }
  return found;
}

describe("Stowage's upload endpoint (fs and memory storages)", () => {
  it("refuses a ticket used a second time, even after the first upload was confirmed", async () => {
    const bytes = pdfBytes();
    const prepared = await direct.prepare({
      field: "document",
      filename: "a.pdf",
      size: bytes.length,
    });
    expect((await sendUpload(prepared, bytes, app.base)).status).toBe(201);
    const again = await sendUpload(prepared, bytes, app.base);
    expect(again.status).toBe(403);
    expect(await again.json()).toEqual({
      success: false,
      errors: {
        __all__: ["The upload ticket was already used. Start the upload again for a new one."],
      },
    });
    await direct.confirm(prepared.ticket);
    expect((await sendUpload(prepared, bytes, app.base)).status).toBe(403);
    expect(await pendingFiles()).toEqual([]);
  });

  it("refuses an expired ticket without storing a byte", async () => {
    const bytes = pdfBytes();
    const prepared = await prepareUpload(
      direct.options,
      { field: "document", filename: "a.pdf", size: bytes.length },
      { now: Date.now() - 3600_000 },
    );
    const response = await sendUpload(prepared, bytes, app.base);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { errors: { __all__: string[] } }).errors.__all__).toEqual([
      "The upload ticket has expired. Start the upload again.",
    ]);
    expect(await pendingFiles()).toEqual([]);
  });

  it("refuses a ticket sent to another file's upload URL", async () => {
    const bytes = pdfBytes();
    const first = await direct.prepare({
      field: "document",
      filename: "a.pdf",
      size: bytes.length,
    });
    const second = await direct.prepare({
      field: "document",
      filename: "b.pdf",
      size: bytes.length,
    });
    if (first.upload.method !== "PUT" || second.upload.method !== "PUT")
      throw new Error("expected PUT");
    const crossed = `${second.upload.url.split("?")[0]}?ticket=${first.ticket}`;
    const response = await fetch(new URL(crossed, app.base), {
      method: "PUT",
      body: new Uint8Array(bytes),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { errors: { __all__: string[] } }).errors.__all__).toEqual([
      "The upload ticket was issued for another file.",
    ]);
    expect(await pendingFiles()).toEqual([]);
  });

  it("stops a chunked body at the limit while it streams, leaving nothing", async () => {
    const prepared = await direct.prepare({ field: "document", filename: "a.pdf", size: 10 });
    if (prepared.upload.method !== "PUT") throw new Error("expected PUT");
    const chunks = (async function* () {
      for (let sent = 0; sent < 2 * 1024 * 1024; sent += 64 * 1024) yield pdfBytes(64 * 1024);
    })();
    const response = await fetch(new URL(prepared.upload.url, app.base), {
      method: "PUT",
      body: Readable.toWeb(Readable.from(chunks)),
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(
      ((await response.json()) as { errors: { document: string[] } }).errors.document[0],
    ).toMatch(
      /^File size \(field "document"\) must be under 1 MB\. Your file is at least 1\.\d\d MB\.$/,
    );
    expect(await pendingFiles()).toEqual([]);
    expect(await readdir(root, { recursive: true })).not.toContainEqual(
      expect.stringMatching(/\.tmp|~/),
    );
  });

  it("leaves nothing under the pending name when the browser goes away mid-upload", async () => {
    const prepared = await direct.prepare({
      field: "document",
      filename: "a.pdf",
      size: 512 * 1024,
    });
    if (prepared.upload.method !== "PUT") throw new Error("expected PUT");
    const url = new URL(prepared.upload.url, app.base);
    await new Promise<void>((resolve) => {
      const req = request(url, {
        method: "PUT",
        headers: { "Content-Length": String(512 * 1024) },
      });
      req.on("error", () => resolve());
      req.write(pdfBytes(128 * 1024), () => {
        // Wait until the server has stored the claim: the upload is under way.
        const poll = async () => {
          for await (const entry of storage.list("_pending/claims/")) {
            if (entry) return req.destroy();
          }
          setTimeout(poll, 10);
        };
        void poll();
      });
      req.on("close", () => resolve());
    });
    const error = await direct.confirm(prepared.ticket).catch((caught) => caught);
    expect(error.code).toBe("E_UPLOAD_MISSING");
    expect(await pendingFiles()).toEqual([]);
  });

  it("keeps the pending object when the copy to the final name fails, so confirm can be tried again", async () => {
    const bytes = pdfBytes();
    const prepared = await direct.prepare({
      field: "document",
      filename: "a.pdf",
      size: bytes.length,
    });
    expect((await sendUpload(prepared, bytes, app.base)).status).toBe(201);
    const failing = {
      storage: (): Storage => ({
        ...storage,
        copy: async () => {
          throw new Error("the storage is unreachable");
        },
      }),
    };
    await expect(direct.confirm(prepared.ticket, { unit: failing })).rejects.toThrow("unreachable");
    expect(await pendingFiles()).toHaveLength(1);
    const confirmed = await direct.confirm(prepared.ticket);
    expect((await storage.read(confirmed.name)).equals(bytes)).toBe(true);
    expect(await pendingFiles()).toEqual([]);
  });

  it("answers 405 to anything but PUT, and passes other paths on", async () => {
    const response = await fetch(`${app.base}/uploads/direct/_pending/x.pdf`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("PUT");
    expect((await fetch(`${app.base}/elsewhere`)).status).toBe(404);
  });

  it("works the same through the fetch handler", async () => {
    const handle = direct.fetchHandler();
    const bytes = pdfBytes();
    const prepared = await direct.prepare({
      field: "document",
      filename: "a.pdf",
      size: bytes.length,
    });
    if (prepared.upload.method !== "PUT") throw new Error("expected PUT");
    const url = new URL(prepared.upload.url, "http://app.test");
    const response = await handle(new Request(url, { method: "PUT", body: new Uint8Array(bytes) }));
    expect(response?.status).toBe(201);
    expect(await handle(new Request("http://app.test/other"))).toBeNull();
    const confirmed = await direct.confirm(prepared.ticket);
    expect((await storage.read(confirmed.name)).equals(bytes)).toBe(true);
  });

  it("calls a client that goes away mid-body an interrupted upload, not a storage failure", async () => {
    const bytes = pdfBytes();
    const prepared = await direct.prepare({
      field: "document",
      filename: "a.pdf",
      size: bytes.length,
    });
    if (prepared.upload.method !== "PUT") throw new Error("expected PUT");
    const url = new URL(prepared.upload.url, "http://app.test");
    // Half the file, then the connection's error, as node reports a client that left.
    let reads = 0;
    const body = new Readable({
      read() {
        reads += 1;
        if (reads === 1) this.push(bytes.subarray(0, bytes.length / 2));
        else this.destroy(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
      },
    });
    const reply = await receiveDirectUpload(direct.options, {
      method: "PUT",
      path: url.pathname,
      query: url.searchParams,
      contentLength: String(bytes.length),
      body,
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      success: false,
      errors: { __all__: ["The upload was interrupted after 32.00 KB. Please try again."] },
    });
    expect(await pendingFiles()).toEqual([]);
  });
});
