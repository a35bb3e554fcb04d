import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { serve } from "@hono/node-server";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStorage } from "../../src/storage/index.js";
import type { DirectUploads } from "../../src/uploads/direct/index.js";
import { type Service, startS3rver } from "../storage/services/start.js";
import { directFor, pdfBytes, sha256 } from "./support.js";
import { createUpload, offsetOf, patch } from "./tus-client.js";

let s3rver: Service;
let base: string;
beforeAll(async () => {
  s3rver = await startS3rver(["tus", "media"]);
  base = await mkdtemp(path.join(tmpdir(), "stowage-tus-mounts-"));
});
afterAll(async () => {
  await s3rver?.stop();
  await rm(base, { recursive: true, force: true });
});

function document(size: number): Buffer {
  const bytes = randomBytes(size);
  pdfBytes(64).copy(bytes);
  return bytes;
}

/** Create, send in two PATCHes with a HEAD between, confirm: the journey every mount must carry. */
async function journey(direct: DirectUploads, app: string): Promise<void> {
  const bytes = document(700 * 1024);
  const prepared = await direct.prepare({
    field: "document",
    filename: "a.pdf",
    size: bytes.length,
    method: "tus",
  });
  if (prepared.upload.method !== "TUS") throw new Error("expected tus");
  const created = await createUpload(
    app,
    prepared.upload.url,
    bytes.length,
    prepared.upload.metadata,
  );
  expect(created.status).toBe(201);
  const url = new URL(created.headers.get("location") as string, app);
  expect((await patch(url, 0, bytes.subarray(0, 300 * 1024))).status).toBe(204);
  const offset = await offsetOf(url);
  expect(offset).toBe(300 * 1024);
  expect((await patch(url, offset, bytes.subarray(offset))).status).toBe(204);
  const confirmed = await direct.confirm(prepared.ticket);
  expect(sha256(await direct.options.storages.default.read(confirmed.name))).toBe(sha256(bytes));
}

describe("tus mounts and stores", () => {
  // @tus/s3-store needs ListParts, which s3rver does not implement (it answers 405), so the S3
  // store cannot run here; a finished upload from the file store goes into an S3 storage instead.
  it("runs on a fetch runtime, a finished upload going into an S3 storage on s3rver", async () => {
    const storage = createStorage({
      driver: "s3",
      bucket: "media",
      location: `t-${randomUUID()}`,
      endpoint: s3rver.endpoint,
      forcePathStyle: true,
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      region: "us-east-1",
    });
    const direct = directFor({ default: storage }, { tusPath: "/uploads/tus/" });
    const tus = await direct.tus({ directory: path.join(base, "tus-fetch") });
    const server = serve({
      fetch: (request) => tus.handleWeb(request),
      port: 0,
      hostname: "127.0.0.1",
    });
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      await journey(direct, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("runs on Fastify with the file store, beside Stowage's endpoint", async () => {
    const storage = createStorage({ driver: "fs", root: path.join(base, "media") });
    const direct = directFor({ default: storage }, { tusPath: "/uploads/tus/" });
    const tus = await direct.tus({ directory: path.join(base, "tus") });
    const fastify = Fastify();
    fastify.addHook("onRequest", tus.fastifyHook());
    fastify.addHook("onRequest", direct.fastifyHook());
    const address = await fastify.listen({ port: 0, host: "127.0.0.1" });
    try {
      await journey(direct, address);
      // Stowage's endpoint for local disk through the same hook style.
      const bytes = pdfBytes();
      const prepared = await direct.prepare({
        field: "document",
        filename: "b.pdf",
        size: bytes.length,
      });
      if (prepared.upload.method !== "PUT") throw new Error("expected PUT");
      const put = await fetch(new URL(prepared.upload.url, address), {
        method: "PUT",
        headers: prepared.upload.headers,
        body: new Uint8Array(bytes),
      });
      expect(put.status).toBe(201);
      const confirmed = await direct.confirm(prepared.ticket);
      expect((await storage.read(confirmed.name)).equals(bytes)).toBe(true);
    } finally {
      await fastify.close();
    }
  });
});
