import { randomUUID } from "node:crypto";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStorage } from "../../src/storage/index.js";
import type { Storage } from "../../src/storage/types.js";
import { storageConformance } from "./conformance.js";
import { azuriteConnectionString, type Service, startAzurite } from "./services/start.js";

let azurite: Service;
let connectionString: string;
let container: ContainerClient;

beforeAll(async () => {
  azurite = await startAzurite();
  connectionString = azuriteConnectionString(azurite.endpoint);
  container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient("media");
  await container.create();
});
afterAll(async () => {
  await azurite?.stop();
});

async function clearPrefix(prefix: string) {
  for await (const item of container.listBlobsFlat({ prefix })) {
    await container.deleteBlob(item.name);
  }
}

storageConformance(
  "azure (Azurite)",
  async () => {
    const location = `t-${randomUUID()}`;
    const storage = createStorage({
      driver: "azure",
      container: "media",
      location,
      connectionString,
      pageSize: 2,
    });
    return { storage, cleanup: () => clearPrefix(location) };
  },
  { exclusiveCreate: true, metadata: true },
);

describe("azure storage", () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = createStorage(
      `azure://media/sas?connectionString=${encodeURIComponent(connectionString)}`,
    );
    await storage.save("doc.txt", "private words", { overwrite: true });
    await storage.save("other.txt", "other words", { overwrite: true });
  });

  it("serves a SAS-signed URL with its disposition, and the plain URL is refused", async () => {
    const signed = await storage.signedUrl("doc.txt", { expiresIn: 60, disposition: "attachment" });
    const response = await fetch(signed);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("private words");
    expect(response.headers.get("content-disposition")).toBe("attachment");
    expect(storage.url("doc.txt")).toBe(`${azurite.endpoint}/media/sas/doc.txt`);
    expect((await fetch(storage.url("doc.txt"))).status).toBeGreaterThanOrEqual(400);
  });

  it("refuses a SAS URL whose name, expiry or signature was changed, or that expired (403)", async () => {
    const signed = new URL(await storage.signedUrl("doc.txt", { expiresIn: 60 }));
    const otherName = new URL(signed);
    otherName.pathname = otherName.pathname.replace("doc.txt", "other.txt");
    const laterExpiry = new URL(signed);
    laterExpiry.searchParams.set(
      "se",
      new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, "Z"),
    );
    const otherSignature = new URL(signed);
    const sig = otherSignature.searchParams.get("sig")!;
    otherSignature.searchParams.set("sig", `${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`);
    for (const url of [otherName, laterExpiry, otherSignature]) {
      expect((await fetch(url)).status, url.toString()).toBe(403);
    }
    const shortLived = await storage.signedUrl("doc.txt", { expiresIn: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await fetch(shortLived)).status).toBe(403);
  });

  it("refuses a second create of one name at the server (If-None-Match: *)", async () => {
    const first = await storage.save("once.txt", "1");
    const second = await storage.save("once.txt", "2");
    expect(first).toBe("once.txt");
    expect(second).not.toBe(first);
    expect((await storage.read("once.txt")).toString()).toBe("1");
  });

  it("uploads a body larger than one block in blocks", async () => {
    const blocky = createStorage({
      driver: "azure",
      container: "media",
      location: "blocks",
      connectionString,
      blockSize: 64 * 1024,
    });
    const body = (async function* () {
      for (let i = 0; i < 10; i++) yield Buffer.alloc(50_000, i);
    })();
    const name = await blocky.save("big.bin", body);
    const read = await blocky.read(name);
    expect(read.length).toBe(500_000);
    expect(read[499_999]).toBe(9);
  });

  it("reports a missing account configuration as E_CONFIG", async () => {
    const previous = process.env.AZURE_STORAGE_CONNECTION_STRING;
    delete process.env.AZURE_STORAGE_CONNECTION_STRING;
    try {
      await expect(createStorage("azure://media").exists("a")).rejects.toMatchObject({
        code: "E_CONFIG",
      });
    } finally {
      if (previous !== undefined) process.env.AZURE_STORAGE_CONNECTION_STRING = previous;
    }
  });
});
