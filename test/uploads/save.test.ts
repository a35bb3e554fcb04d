import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, expect, test } from "vitest";
import { createStorage } from "../../src/storage/index.js";
import { type TemporaryMedia, temporaryMedia } from "../../src/testing/media.js";
import { MultipartBuilder } from "../../src/testing/multipart.js";
import { uploadName } from "../../src/uploads/naming.js";
import { parseUpload } from "../../src/uploads/parse.js";

let media: TemporaryMedia;
beforeEach(async () => {
  media = await temporaryMedia();
});
afterEach(async () => {
  await media.cleanup();
});

test.each([
  ["in memory", 1024 * 1024],
  ["from a temp file", 16],
])(
  "saveTo stores a file %s under a free name and removes the temp file",
  async (_label, memoryThreshold) => {
    const form = new MultipartBuilder()
      .file("doc", "Report 2024.txt", "first", "text/plain")
      .file("doc", "Report 2024.txt", "second", "text/plain")
      .build();
    const result = await parseUpload(
      { headers: form.headers, body: Readable.from([form.body]) },
      { tmpDir: media.tmpDir, memoryThreshold },
    );
    const [first, second] = result.files.doc;
    const names = [
      await first.saveTo(media.storage, uploadName("documents/%Y/", first.filename)),
      await second.saveTo(media.storage, uploadName("documents/%Y/", second.filename)),
    ];
    const year = new Date().getUTCFullYear();
    expect(names[0]).toBe(`documents/${year}/Report_2024.txt`);
    expect(names[1]).not.toBe(names[0]);
    expect(names[1].startsWith(`documents/${year}/Report_2024`)).toBe(true);
    expect(await media.storage.read(names[0])).toEqual(Buffer.from("first"));
    expect(await media.storage.read(names[1])).toEqual(Buffer.from("second"));
    const stat = await media.storage.stat(names[0]);
    expect(stat?.contentType).toMatch(/^text\/plain/);
    expect(await media.leftoverTempFiles()).toEqual([]);
    await result.cleanup();
  },
);

/** A 3 MiB file (over the 2.5 MB memory threshold, so it goes to a temp file) with a pattern. */
function largeUpload(): Buffer {
  const bytes = Buffer.alloc(3 * 1024 * 1024);
  for (let index = 0; index < bytes.length; index += 4) bytes.writeUInt32LE(index, index);
  return bytes;
}

async function parseLarge(bytes: Buffer, name = "big.bin") {
  const form = new MultipartBuilder().file("doc", name, bytes, "application/octet-stream").build();
  return parseUpload(
    { headers: form.headers, body: Readable.from([form.body]) },
    { tmpDir: media.tmpDir },
  );
}

test("saveTo links a large upload's temp file into an fs storage without copying it", async () => {
  const bytes = largeUpload();
  const result = await parseLarge(bytes);
  const file = result.file("doc")!;
  expect(file.inMemory).toBe(false);
  const tempInode = (await stat(file.path!)).ino;
  const name = await file.saveTo(media.storage, "uploads/big.bin");
  expect(name).toBe("uploads/big.bin");
  // The same inode: the bytes were written once, by the parser.
  expect((await stat(path.join(media.root!, name))).ino).toBe(tempInode);
  const stored = await media.storage.read(name);
  expect(stored.equals(bytes)).toBe(true);
  expect(createHash("sha256").update(stored).digest("hex")).toBe(file.sha256);
  expect(file.path).toBeUndefined();
  expect(await media.leftoverTempFiles()).toEqual([]);
});

test("saveTo never puts a large upload over a taken name", async () => {
  await media.storage.save("uploads/big.bin", "already here");
  const bytes = largeUpload();
  const result = await parseLarge(bytes);
  const name = await result.file("doc")!.saveTo(media.storage, "uploads/big.bin");
  expect(name).toMatch(/^uploads\/big_[A-Za-z0-9]{7}\.bin$/);
  expect((await media.storage.read("uploads/big.bin")).toString()).toBe("already here");
  expect((await media.storage.read(name)).equals(bytes)).toBe(true);
  expect(await media.leftoverTempFiles()).toEqual([]);
});

test("saveTo streams a large upload into a storage that cannot take files over", async () => {
  const memory = createStorage("memory://");
  const bytes = largeUpload();
  const result = await parseLarge(bytes);
  const name = await result.file("doc")!.saveTo(memory, "uploads/big.bin");
  expect((await memory.read(name)).equals(bytes)).toBe(true);
  expect((await memory.stat(name))?.metadata).toMatchObject({ originalname: "big.bin" });
  expect(await media.leftoverTempFiles()).toEqual([]);
});

test("a failed saveTo keeps the temp file for cleanup, which then removes it", async () => {
  const result = await parseLarge(largeUpload());
  const file = result.file("doc")!;
  await expect(file.saveTo(media.storage, "../escape.bin")).rejects.toMatchObject({
    code: "E_PATH_TRAVERSAL",
  });
  expect(await media.leftoverTempFiles()).toHaveLength(1);
  await result.cleanup();
  expect(await media.leftoverTempFiles()).toEqual([]);
});
