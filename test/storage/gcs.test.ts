import { createHash, createVerify, generateKeyPairSync, randomUUID } from "node:crypto";
import { Storage as GcsClient } from "@google-cloud/storage";
import { describe, expect, it } from "vitest";
import { createStorage } from "../../src/storage/index.js";
import { storageConformance } from "./conformance.js";

/*
 * No GCS emulator installs here. Offline we prove V4 signing (with a
 * generated RSA key, checked against the public key) and URL building; the
 * conformance suite runs against the real service only when
 * STOWAGE_TEST_GCS_BUCKET and Google credentials are set.
 */
const bucket = process.env.STOWAGE_TEST_GCS_BUCKET;
const hasCredentials = Boolean(process.env.GOOGLE_APPLICATION_CREDENTIALS);

if (bucket && hasCredentials) {
  storageConformance(
    "gcs (real service)",
    async () => {
      const location = `stowage-test/${randomUUID()}`;
      const storage = createStorage({ driver: "gcs", bucket, location, pageSize: 2 });
      const cleanup = async () => {
        for await (const entry of storage.list("")) await storage.delete(entry.name);
      };
      return { storage, cleanup };
    },
    { exclusiveCreate: true, metadata: true },
  );
} else {
  describe("gcs storage conformance", () => {
    it.skip("skipped: set STOWAGE_TEST_GCS_BUCKET and GOOGLE_APPLICATION_CREDENTIALS to run it against Google Cloud Storage", () => {});
  });
}

describe("gcs storage offline", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const clientEmail = "signer@stowage-test.iam.gserviceaccount.com";
  const client = new GcsClient({
    projectId: "stowage-test",
    credentials: {
      client_email: clientEmail,
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    },
  });

  it("signs V4 URLs that verify with the service account's public key", async () => {
    const storage = createStorage({ driver: "gcs", bucket: "b", location: "private", client });
    const signed = new URL(
      await storage.signedUrl("doc 1.pdf", {
        expiresIn: 600,
        disposition: { type: "attachment", filename: "report.pdf" },
      }),
    );
    const query = signed.searchParams;
    expect(signed.host).toBe("storage.googleapis.com");
    expect(signed.pathname).toBe("/b/private/doc%201.pdf");
    expect(query.get("X-Goog-Algorithm")).toBe("GOOG4-RSA-SHA256");
    expect(query.get("X-Goog-Expires")).toBe("600");
    expect(query.get("X-Goog-Credential")).toMatch(
      new RegExp(`^${clientEmail}/\\d{8}/auto/storage/goog4_request$`),
    );
    expect(query.get("response-content-disposition")).toContain(
      'attachment; filename="report.pdf"',
    );

    // Rebuild the canonical request the way GCS does and check the RSA signature over it.
    const unsigned = [...query].filter(([key]) => key !== "X-Goog-Signature");
    const enc = (text: string) =>
      encodeURIComponent(text).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      );
    const canonicalQuery = unsigned
      .map(([key, value]) => [enc(key), enc(value)])
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]) => `${key}=${value}`)
      .join("&");
    const canonicalRequest = [
      "GET",
      signed.pathname,
      canonicalQuery,
      `host:${signed.host}`,
      "",
      "host",
      "UNSIGNED-PAYLOAD",
    ].join("\n");
    const credential = query.get("X-Goog-Credential")!;
    const scope = credential.slice(credential.indexOf("/") + 1);
    const stringToSign = [
      "GOOG4-RSA-SHA256",
      query.get("X-Goog-Date"),
      scope,
      createHash("sha256").update(canonicalRequest).digest("hex"),
    ].join("\n");
    const signature = Buffer.from(query.get("X-Goog-Signature")!, "hex");
    expect(createVerify("RSA-SHA256").update(stringToSign).verify(publicKey, signature)).toBe(true);
  });

  it("builds public URLs on storage.googleapis.com or a custom domain", () => {
    expect(createStorage("gs://b/pre").url("a b.txt")).toBe(
      "https://storage.googleapis.com/b/pre/a%20b.txt",
    );
    expect(
      createStorage({ driver: "gcs", bucket: "b", customDomain: "cdn.example/x/" }).url("a.txt"),
    ).toBe("https://cdn.example/x/a.txt");
  });

  it("refuses a spec without a bucket with E_CONFIG", () => {
    expect(() => createStorage({ driver: "gcs" })).toThrow(
      expect.objectContaining({ code: "E_CONFIG" }),
    );
  });
});
