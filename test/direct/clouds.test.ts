import { createVerify, generateKeyPairSync, randomUUID } from "node:crypto";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { Storage as GcsClient } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createStorage } from "../../src/storage/index.js";
import {
  azuriteConnectionString,
  type Service,
  s3rverClient,
  startAzurite,
  startS3rver,
} from "../storage/services/start.js";
import { directUploadSuite } from "./suite.js";
import { directFor, pdfBytes } from "./support.js";

let s3rver: Service;
let azurite: Service;
let container: ContainerClient;
let connectionString: string;

beforeAll(async () => {
  [s3rver, azurite] = await Promise.all([startS3rver(["direct"]), startAzurite()]);
  connectionString = azuriteConnectionString(azurite.endpoint);
  container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient("direct");
  await container.create();
});
afterAll(async () => {
  await Promise.all([s3rver?.stop(), azurite?.stop()]);
});

// s3rver accepts browser POST uploads but ignores the policy (its source marks it unimplemented),
// so content-length-range is proven by the policy document below and the limit by confirm.
directUploadSuite("S3 (s3rver, presigned POST)", async () => ({
  storages: {
    default: createStorage({
      driver: "s3",
      bucket: "direct",
      location: `t-${randomUUID()}`,
      client: s3rverClient(s3rver.endpoint),
      endpoint: s3rver.endpoint,
      forcePathStyle: true,
    }),
  },
  storeEnforcesLimit: false,
}));

// An Azure SAS has no size condition: the limit is enforced by confirm only.
directUploadSuite("Azure Blob (Azurite, one-blob SAS)", async () => ({
  storages: {
    default: createStorage({
      driver: "azure",
      container: "direct",
      location: `t-${randomUUID()}`,
      connectionString,
    }),
  },
  storeEnforcesLimit: false,
}));

describe("the grants themselves", () => {
  it("an S3 POST policy fixes the key and content type and bounds the length", async () => {
    const storage = createStorage({
      driver: "s3",
      bucket: "direct",
      location: "media",
      client: s3rverClient(s3rver.endpoint),
    });
    const direct = directFor({ default: storage });
    const prepared = await direct.prepare({ field: "document", filename: "a.pdf", size: 10 });
    if (prepared.upload.method !== "POST") throw new Error("expected a POST");
    const { fields } = prepared.upload;
    expect(fields.key).toMatch(/^media\/_pending\/[0-9a-f-]{36}\.pdf$/);
    const policy = JSON.parse(Buffer.from(fields.Policy, "base64").toString("utf8"));
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ["content-length-range", 0, 1024 * 1024],
        ["eq", "$Content-Type", "application/pdf"],
        { key: fields.key },
        { bucket: "direct" },
      ]),
    );
    const lifetime = Date.parse(policy.expiration) - Date.now();
    expect(lifetime).toBeGreaterThan(800_000);
    expect(lifetime).toBeLessThanOrEqual(900_000);
  });

  it("an Azure SAS writes only its own blob, and only until it expires", async () => {
    const storage = createStorage({
      driver: "azure",
      container: "direct",
      location: "sas",
      connectionString,
    });
    const direct = directFor({ default: storage });
    const prepared = await direct.prepare({ field: "document", filename: "a.pdf", size: 10 });
    if (prepared.upload.method !== "PUT") throw new Error("expected a PUT");
    const sas = new URL(prepared.upload.url);
    expect(sas.searchParams.get("sp")).toBe("cw");
    expect(sas.searchParams.get("sr")).toBe("b");
    const put = (url: URL) =>
      fetch(url, {
        method: "PUT",
        headers: prepared.upload.method === "PUT" ? prepared.upload.headers : {},
        body: new Uint8Array(pdfBytes(1024)),
      });
    const other = new URL(sas);
    other.pathname = other.pathname.replace(/[^/]+$/, "someone-else.pdf");
    expect((await put(other)).status).toBe(403);
    expect((await fetch(sas)).status).toBe(403);
    expect((await fetch(sas, { method: "DELETE" })).status).toBe(403);
    // A grant made two hours ago (the clock moved back while signing) has expired by Azurite's clock.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - 2 * 3600_000);
    const old = await direct.prepare({ field: "document", filename: "a.pdf", size: 10 });
    vi.useRealTimers();
    expect((await put(new URL(old.upload.url))).status).toBe(403);
    expect((await put(sas)).status).toBe(201);
  });

  it("a GCS V4 POST policy bounds the length and verifies with the service account's key", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const client = new GcsClient({
      projectId: "stowage-test",
      credentials: {
        client_email: "signer@stowage-test.iam.gserviceaccount.com",
        private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      },
    });
    const storage = createStorage({ driver: "gcs", bucket: "b", location: "media", client });
    const direct = directFor({ default: storage });
    const prepared = await direct.prepare({ field: "document", filename: "a.pdf", size: 10 });
    if (prepared.upload.method !== "POST") throw new Error("expected a POST");
    const { fields, url } = prepared.upload;
    expect(url).toBe("https://storage.googleapis.com/b/");
    expect(fields.key).toMatch(/^media\/_pending\/[0-9a-f-]{36}\.pdf$/);
    expect(fields["x-goog-algorithm"]).toBe("GOOG4-RSA-SHA256");
    const policy = JSON.parse(Buffer.from(fields.policy, "base64").toString("utf8"));
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ["content-length-range", 0, 1024 * 1024],
        ["eq", "$Content-Type", "application/pdf"],
      ]),
    );
    const verifier = createVerify("RSA-SHA256");
    verifier.update(fields.policy);
    expect(verifier.verify(publicKey, fields["x-goog-signature"], "hex")).toBe(true);
  });
});
