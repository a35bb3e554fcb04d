import * as realFs from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createStorage, localFile } from "../../src/storage/index.js";
import type { Storage } from "../../src/storage/types.js";

/** Sources whose link()/rename() fail with EXDEV, as from a temp folder on another mount. */
const crossDevice = new Set<string>();
/** Every source path link() and rename() were called with, to see which file got linked. */
const linkedFrom: string[] = [];

function exdev(): NodeJS.ErrnoException {
  return Object.assign(new Error("EXDEV: cross-device link not permitted (injected)"), {
    code: "EXDEV",
  });
}

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  const mocked = {
    ...actual,
    link: async (...args: Parameters<typeof actual.link>) => {
      linkedFrom.push(String(args[0]));
      if (crossDevice.has(String(args[0]))) throw exdev();
      return actual.link(...args);
    },
    rename: async (...args: Parameters<typeof actual.rename>) => {
      linkedFrom.push(String(args[0]));
      if (crossDevice.has(String(args[0]))) throw exdev();
      return actual.rename(...args);
    },
  };
  return { ...mocked, default: mocked };
});

async function allFiles(dir: string): Promise<string[]> {
  const entries = await realFs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe("fs storage given a local file", () => {
  let parent: string;
  let root: string;
  let incoming: string;
  let storage: Storage;
  const bytes = Buffer.alloc(3 * 1024 * 1024, 5);

  /** A file in a folder beside the root (same filesystem), mode 0600 like an upload temp file. */
  async function sourceFile(name: string, content: Buffer | string = bytes): Promise<string> {
    const file = path.join(incoming, name);
    await realFs.writeFile(file, content, { mode: 0o600 });
    return file;
  }

  beforeEach(async () => {
    parent = await realFs.mkdtemp(path.join(tmpdir(), "stowage-fs-local-"));
    root = path.join(parent, "root");
    incoming = path.join(parent, "incoming");
    await realFs.mkdir(incoming);
    storage = createStorage({ driver: "fs", root });
    linkedFrom.length = 0;
  });
  afterEach(async () => {
    crossDevice.clear();
    await realFs.rm(parent, { recursive: true, force: true });
  });

  it("links a moved file into place: same inode, source gone, contents and mode right", async () => {
    const source = await sourceFile("upload.part");
    const { ino } = await realFs.stat(source);
    const name = await storage.save("docs/report.pdf", localFile(source, { move: true }));
    expect(name).toBe("docs/report.pdf");
    const stored = await realFs.stat(path.join(root, "docs/report.pdf"));
    expect(stored.ino).toBe(ino);
    expect(stored.nlink).toBe(1);
    expect(stored.mode & 0o777).toBe(0o644);
    expect((await storage.read(name)).equals(bytes)).toBe(true);
    expect(await realFs.readdir(incoming)).toEqual([]);
    expect(await allFiles(root)).toEqual(["docs/report.pdf"]);
  });

  it("never links a moved file over a taken name", async () => {
    await storage.save("docs/a.txt", "first");
    const source = await sourceFile("upload.part", "second");
    const { ino } = await realFs.stat(source);
    const name = await storage.save("docs/a.txt", localFile(source, { move: true }));
    expect(name).toMatch(/^docs\/a_[A-Za-z0-9]{7}\.txt$/);
    expect((await storage.read("docs/a.txt")).toString()).toBe("first");
    expect((await realFs.stat(path.join(root, name))).ino).toBe(ino);
    expect(await realFs.readdir(incoming)).toEqual([]);
  });

  it("renames a moved file over the old one when overwrite is true", async () => {
    await storage.save("docs/a.txt", "old");
    const source = await sourceFile("upload.part", "new");
    const { ino } = await realFs.stat(source);
    await storage.save("docs/a.txt", localFile(source, { move: true }), { overwrite: true });
    expect((await realFs.stat(path.join(root, "docs/a.txt"))).ino).toBe(ino);
    expect((await storage.read("docs/a.txt")).toString()).toBe("new");
    expect(await allFiles(root)).toEqual(["docs/a.txt"]);
    expect(await realFs.readdir(incoming)).toEqual([]);
  });

  it("copies a file it may not move and leaves the source alone", async () => {
    const source = await sourceFile("keep.bin");
    const { ino } = await realFs.stat(source);
    const name = await storage.save("keep.bin", localFile(source));
    expect((await realFs.stat(path.join(root, name))).ino).not.toBe(ino);
    expect((await realFs.stat(source)).mode & 0o777).toBe(0o600);
    expect((await storage.read(name)).equals(bytes)).toBe(true);
    expect(await allFiles(root)).toEqual(["keep.bin"]);
  });

  it.each([
    ["a symlink", async (source: string) => realFs.symlink(source, `${source}.link`)],
    ["a file with a second name", async (source: string) => realFs.link(source, `${source}.link`)],
  ])("copies %s instead of linking it into the root", async (_label, makeAlias) => {
    const source = await sourceFile("real.bin");
    await makeAlias(source);
    const alias = `${source}.link`;
    const name = await storage.save("alias.bin", localFile(alias, { move: true }));
    const stored = await realFs.lstat(path.join(root, name));
    expect(stored.isFile()).toBe(true);
    expect(stored.ino).not.toBe((await realFs.stat(source)).ino);
    expect((await storage.read(name)).equals(bytes)).toBe(true);
    // The given-up name is removed; the other name of the bytes is not the storage's business.
    expect(await realFs.readdir(incoming)).toEqual(["real.bin"]);
  });

  it.each([
    ["a new name", false],
    ["overwrite", true],
  ])("falls back to a copy when link/rename cross a device (%s)", async (_label, overwrite) => {
    if (overwrite) await storage.save("far/x.bin", "old");
    const source = await sourceFile("upload.part");
    crossDevice.add(source);
    linkedFrom.length = 0;
    const { ino } = await realFs.stat(source);
    const name = await storage.save("far/x.bin", localFile(source, { move: true }), { overwrite });
    expect(name).toBe("far/x.bin");
    // The move was tried first, then a copy beside the target went in.
    expect(linkedFrom[0]).toBe(source);
    expect(linkedFrom).toHaveLength(2);
    expect((await realFs.stat(path.join(root, name))).ino).not.toBe(ino);
    expect((await storage.read(name)).equals(bytes)).toBe(true);
    expect((await realFs.stat(path.join(root, name))).mode & 0o777).toBe(0o644);
    // The copy's temp file is gone, and so is the source the caller gave up.
    expect(await allFiles(root)).toEqual(["far/x.bin"]);
    expect(await realFs.readdir(incoming)).toEqual([]);
  });

  it("keeps the source and stores nothing when the save is cancelled", async () => {
    const source = await sourceFile("upload.part");
    const controller = new AbortController();
    controller.abort();
    await expect(
      storage.save("c.bin", localFile(source, { move: true }), { signal: controller.signal }),
    ).rejects.toThrow();
    expect(await realFs.readdir(incoming)).toEqual(["upload.part"]);
    expect(await storage.exists("c.bin")).toBe(false);
  });

  it("refuses an empty path", () => {
    expect(() => localFile("")).toThrow(/path of a file/);
  });
});
