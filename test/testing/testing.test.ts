import { existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { describe, expect, test } from "vitest";
import * as testing from "../../src/testing/index.js";
import {
  fileFromBytes,
  imageFile,
  MultipartBuilder,
  temporaryMedia,
  urlencodedBody,
  withTemporaryMedia,
} from "../../src/testing/index.js";
import { parseUpload } from "../../src/uploads/parse.js";

describe("stowage/testing", () => {
  test("exports exactly the documented helpers", () => {
    expect(Object.keys(testing).sort()).toEqual([
      "MultipartBuilder",
      "fileFromBytes",
      "imageFile",
      "multipartBody",
      "temporaryMedia",
      "urlencodedBody",
      "withTemporaryMedia",
    ]);
  });

  test("the builder's bodies parse back to the same fields and files", async () => {
    const image = await imageFile({ format: "webp", width: 20, height: 10, field: "avatar" });
    const form = new MultipartBuilder()
      .field("name", 'Zoë "the" <b>')
      .add(fileFromBytes("notes.txt", "hi", { field: "doc", contentType: "text/plain" }))
      .add(image)
      .build();
    expect(form.headers["content-length"]).toBe(String(form.body.length));
    await withTemporaryMedia(async (media) => {
      const result = await parseUpload(
        { headers: form.headers, body: Readable.from([form.body]) },
        { tmpDir: media.tmpDir },
      );
      expect(result.fields.name).toBe('Zoë "the" <b>');
      expect(await result.file("doc")!.bytes()).toEqual(Buffer.from("hi"));
      const avatar = result.file("avatar")!;
      expect(avatar.detectedType).toBe("image/webp");
      expect(await avatar.imageSize()).toEqual({ format: "webp", width: 20, height: 10 });
    });
  });

  test("a built body is a plain Uint8Array that fetch takes as it is", async () => {
    const form = new MultipartBuilder().field("title", "Hi").file("doc", "a.txt", "hey").build();
    const encoded = urlencodedBody({ q: "1" });
    for (const body of [form.body, encoded.body]) {
      expect(Object.getPrototypeOf(body)).toBe(Uint8Array.prototype);
      expect(body.byteOffset).toBe(0);
      expect(body.buffer.byteLength).toBe(body.byteLength);
    }
    const received: Buffer[] = [];
    const server = createServer((req, res) => {
      req.on("data", (chunk: Buffer) => received.push(chunk));
      req.on("end", () => res.end("ok"));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      // No cast and no copy: strict TypeScript with the DOM's fetch types takes this body.
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        method: "POST",
        headers: form.headers,
        body: form.body,
      });
      expect(await response.text()).toBe("ok");
      expect(Buffer.concat(received).equals(form.body)).toBe(true);
    } finally {
      server.close();
    }
  });

  test("urlencodedBody posts like a plain HTML form", async () => {
    const form = urlencodedBody({ q: "a&b=c", empty: "" });
    const result = await parseUpload({ headers: form.headers, body: Readable.from([form.body]) });
    expect({ ...result.fields }).toEqual({ q: "a&b=c", empty: "" });
  });

  test.each(["fs", "memory"] as const)(
    "temporaryMedia (%s) stores files and is removed by cleanup",
    async (driver) => {
      const media = await temporaryMedia({ driver });
      const name = await media.storage.save("a/b.txt", "x");
      expect(await media.storage.read(name)).toEqual(Buffer.from("x"));
      if (driver === "fs") expect(existsSync(media.root!)).toBe(true);
      await media.cleanup();
      if (driver === "fs") expect(existsSync(media.root!)).toBe(false);
      expect(existsSync(media.tmpDir)).toBe(false);
    },
  );

  test("withTemporaryMedia removes the folder even when the test body throws", async () => {
    let root: string | undefined;
    await expect(
      withTemporaryMedia(async (media) => {
        root = media.root;
        await media.storage.save("x.txt", "x");
        throw new Error("test failed");
      }),
    ).rejects.toThrow("test failed");
    expect(existsSync(root!)).toBe(false);
  });
});
