import { describe, expect, it } from "vitest";
import {
  createStorage,
  createStoragesFromConfig,
  type StorageSpec,
  verifyQuery,
} from "../../src/storage/index.js";

const configError = (message: RegExp | string, key?: string) =>
  expect.objectContaining({
    code: "E_CONFIG",
    message:
      typeof message === "string"
        ? expect.stringContaining(message)
        : expect.stringMatching(message),
    ...(key ? { key } : {}),
  });

describe("createStorage: one rule for spec and options", () => {
  it("reads secret, baseUrl and maxLength from the spec or from options alike", async () => {
    const fromSpec = createStorage({
      driver: "memory",
      secret: "s",
      baseUrl: "/files/",
      maxLength: 30,
    });
    const fromOptions = createStorage(
      { driver: "memory" },
      { secret: "s", baseUrl: "/files/", maxLength: 30 },
    );
    for (const storage of [fromSpec, fromOptions]) {
      expect(await storage.signedUrl("a.txt")).toMatch(/^\/files\/a\.txt\?expires=/);
      expect(await storage.save(`${"x".repeat(40)}.txt`, "x")).toHaveLength(30);
    }
  });

  it("lets the spec win over options", async () => {
    const storage = createStorage(
      { driver: "memory", secret: "spec", baseUrl: "/spec/", maxLength: 25 },
      { secret: "options", baseUrl: "/options/", maxLength: 200 },
    );
    expect(storage.url("a.txt")).toBe("/spec/a.txt");
    expect(await storage.save(`${"x".repeat(40)}.txt`, "x")).toHaveLength(25);
    const link = new URL(await storage.signedUrl("a.txt", { expiresIn: 60 }), "http://x");
    expect(verifyQuery("spec", "/spec/", "a.txt", link.searchParams).disposition).toBe("inline");
    expect(() => verifyQuery("options", "/spec/", "a.txt", link.searchParams)).toThrow(
      expect.objectContaining({ code: "E_SIGNATURE_INVALID" }),
    );
  });

  it("gives the cloud drivers' defaults they do not use (secret, baseUrl) no effect", () => {
    const storage = createStorage(
      { driver: "s3", bucket: "b", region: "eu-west-1" },
      { secret: "s", baseUrl: "/media/" },
    );
    expect(storage.url("a.txt")).toBe("https://b.s3.eu-west-1.amazonaws.com/a.txt");
  });

  const badSpecs: [string, Record<string, unknown>, RegExp | string, string][] = [
    [
      "a misspelt key",
      { driver: "s3", bucket: "b", endpint: "http://x" },
      /no option "endpint"\. Did you mean "endpoint"\?/,
      "endpint",
    ],
    [
      "a key in the wrong case",
      { driver: "s3", bucket: "b", forcepathstyle: true },
      'Did you mean "forcePathStyle"?',
      "forcepathstyle",
    ],
    [
      "a key of another driver",
      { driver: "s3", bucket: "b", secret: "x" },
      'The s3 storage has no option "secret"',
      "secret",
    ],
    [
      "a wrong type",
      { driver: "s3", bucket: "b", forcePathStyle: "true" },
      '"forcePathStyle" must be true or false; found "true"',
      "forcePathStyle",
    ],
    [
      "a number out of range",
      { driver: "s3", bucket: "b", pageSize: 5000 },
      '"pageSize" must be a whole number from 1 to 1000',
      "pageSize",
    ],
    ["a missing bucket", { driver: "gcs" }, 'The gcs storage needs "bucket"', "bucket"],
    ["a missing root", { driver: "fs" }, 'The fs storage needs "root"', "root"],
    [
      "a bad endpoint",
      { driver: "s3", bucket: "b", endpoint: "127.0.0.1:9000" },
      '"endpoint" must be an http(s) URL',
      "endpoint",
    ],
    [
      "a client that is not one",
      { driver: "s3", bucket: "b", client: {} },
      '"client" must be an S3Client',
      "client",
    ],
    [
      "a base URL without a slash",
      { driver: "memory", baseUrl: "/media" },
      '"baseUrl" must be a URL prefix ending in "/"',
      "baseUrl",
    ],
    [
      "a mode out of range",
      { driver: "fs", root: "/x", fileMode: 0o10000 },
      '"fileMode" must be a file mode',
      "fileMode",
    ],
    [
      "a secret of the wrong type",
      { driver: "fs", root: "/x", secret: 42 },
      "found another value",
      "secret",
    ],
    [
      "an unknown driver",
      { driver: "ftp" },
      /Unknown storage driver "ftp"; use one of fs, memory, s3, azure, gcs/,
      "driver",
    ],
  ];
  it.each(badSpecs)("refuses %s, naming the key", (_label, spec, message, key) => {
    expect(() => createStorage(spec as StorageSpec)).toThrow(configError(message, key));
  });

  it("never shows a credential's value in a message", () => {
    const error = (() => {
      try {
        createStorage({ driver: "s3", bucket: "b", secretAccessKey: 12345 });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).not.toContain("12345");
    const urlError = (() => {
      try {
        createStorage("azure://c?connectionString=AccountKey%3Dtopsecret&blocksize=1");
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(urlError?.message).toMatch(/Did you mean "blockSize"/);
    expect(urlError?.message).not.toContain("topsecret");
  });

  it("refuses unknown options and options of the wrong type", () => {
    expect(() => createStorage("memory://", { secrte: "x" } as never)).toThrow(
      configError(/no option "secrte"\. Did you mean "secret"\?/, "secrte"),
    );
    expect(() => createStorage("memory://", { maxLength: "50" } as never)).toThrow(
      configError('"maxLength" must be a whole number from 20 to 1024', "maxLength"),
    );
  });

  it("refuses unknown URL parameters, naming them", () => {
    expect(() => createStorage("s3://media?endpint=http://127.0.0.1:9")).toThrow(
      configError(
        /The storage URL s3:\/\/media has no parameter "endpint"\. Did you mean "endpoint"\?/,
      ),
    );
    expect(() => createStorage("s3://media?forcepathstyle=true")).toThrow(
      configError('Did you mean "forcePathStyle"?'),
    );
  });

  it("says how to give createStorage a secret when signing without one", async () => {
    await expect(createStorage("memory://").signedUrl("a.txt")).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringMatching(/createStorage\(spec, \{ secret \}\).*"secret" in the spec/),
    });
  });

  it("lets a named storage's spec carry its own secret", async () => {
    const storages = createStoragesFromConfig({
      media: {
        url: "/media/",
        storage: "memory://",
        storages: { invoices: { driver: "memory", secret: "own" } },
      },
    });
    expect(await storages.invoices.signedUrl("a.pdf")).toMatch(/^\/media-invoices\/a\.pdf\?/);
    await expect(storages.default.signedUrl("a.pdf")).rejects.toMatchObject({ code: "E_CONFIG" });
  });
});
