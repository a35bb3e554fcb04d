import * as realFs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { type TemporaryMedia, temporaryMedia } from "../../src/testing/media.js";
import { MultipartBuilder } from "../../src/testing/multipart.js";
import { parseUpload } from "../../src/uploads/parse.js";

/** When set, link()/rename() out of the upload temp folder fail as if it were another disk. */
const crossDevice: { from?: string } = {};

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  const refuse = (source: unknown) => {
    if (crossDevice.from !== undefined && String(source).startsWith(crossDevice.from)) {
      throw Object.assign(new Error("EXDEV: cross-device link not permitted (injected)"), {
        code: "EXDEV",
      });
    }
  };
  const mocked = {
    ...actual,
    link: async (...args: Parameters<typeof actual.link>) => {
      refuse(args[0]);
      return actual.link(...args);
    },
    rename: async (...args: Parameters<typeof actual.rename>) => {
      refuse(args[0]);
      return actual.rename(...args);
    },
  };
  return { ...mocked, default: mocked };
});

let media: TemporaryMedia;
beforeEach(async () => {
  media = await temporaryMedia();
  crossDevice.from = media.tmpDir;
});
afterEach(async () => {
  crossDevice.from = undefined;
  await media.cleanup();
});

test("saveTo copies a temp file on another device, keeps its contents and removes it", async () => {
  const bytes = Buffer.alloc(3 * 1024 * 1024, 9);
  const form = new MultipartBuilder().file("doc", "far.bin", bytes).build();
  const result = await parseUpload(
    { headers: form.headers, body: Readable.from([form.body]) },
    { tmpDir: media.tmpDir },
  );
  const file = result.file("doc")!;
  const tempInode = (await realFs.stat(file.path!)).ino;
  await media.storage.save("uploads/far.bin", "taken");
  const name = await file.saveTo(media.storage, "uploads/far.bin");
  expect(name).toMatch(/^uploads\/far_[A-Za-z0-9]{7}\.bin$/);
  const stored = await realFs.stat(path.join(media.root!, name));
  expect(stored.ino).not.toBe(tempInode);
  expect((await media.storage.read(name)).equals(bytes)).toBe(true);
  expect((await media.storage.read("uploads/far.bin")).toString()).toBe("taken");
  expect(await media.leftoverTempFiles()).toEqual([]);
  const inRoot = await realFs.readdir(path.join(media.root!, "uploads"));
  expect(inRoot.sort()).toEqual([path.basename(name), "far.bin"].sort());
});
