import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStorage } from "../../src/storage/index.js";
import type { Storage } from "../../src/storage/types.js";

/** Every file under `dir`, dotfiles (temp files) included. */
async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe("fs storage with content in memory", () => {
  let parent: string;
  let root: string;
  let storage: Storage;

  beforeEach(async () => {
    parent = await mkdtemp(path.join(tmpdir(), "stowage-fs-bytes-"));
    root = path.join(parent, "root");
    storage = createStorage({ driver: "fs", root });
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  it("gives 50 concurrent byte saves of one name 50 distinct files and leaves no temp file", async () => {
    const bodies = Array.from({ length: 50 }, (_, i) => new Uint8Array([i, i + 1, i + 2]));
    const saved = await Promise.all(bodies.map((body) => storage.save("up/race.bin", body)));
    expect(new Set(saved).size).toBe(50);
    const read = await Promise.all(saved.map((name) => storage.read(name)));
    expect(read.map((bytes) => [...bytes])).toEqual(bodies.map((body) => [...body]));
    expect(await allFiles(root)).toEqual(saved.map((name) => path.join(...name.split("/"))).sort());
  });

  it("leaves no temp file after saves, taken names, overwrites and copies", async () => {
    await storage.save("a/x.txt", "1");
    const second = await storage.save("a/x.txt", Buffer.from("2"));
    await storage.save("a/x.txt", "3", { overwrite: true });
    const copied = await storage.copy("a/x.txt", "a/x.txt");
    expect(await allFiles(root)).toEqual(
      ["a/x.txt", second, copied].map((name) => path.join(...name.split("/"))).sort(),
    );
    expect((await storage.read("a/x.txt")).toString()).toBe("3");
  });

  it("saves a slice of a larger buffer, not the whole backing memory", async () => {
    const backing = Buffer.from("0123456789");
    const name = await storage.save(
      "slice.txt",
      new Uint8Array(backing.buffer, backing.byteOffset + 3, 4),
    );
    expect((await storage.read(name)).toString()).toBe("3456");
  });

  it("makes a remembered folder again when it was removed behind its back", async () => {
    await storage.save("gone/a.txt", "a");
    await rm(path.join(root, "gone"), { recursive: true });
    expect(await storage.save("gone/b.txt", "b")).toBe("gone/b.txt");
    expect((await storage.read("gone/b.txt")).toString()).toBe("b");
  });

  it("reads an empty file as an empty buffer", async () => {
    await storage.save("empty.txt", "");
    expect((await storage.read("empty.txt")).length).toBe(0);
  });

  it("refuses to read a folder or a FIFO, without hanging, as E_NOT_FOUND", async () => {
    await storage.save("dir/inner.txt", "x");
    await expect(storage.read("dir")).rejects.toMatchObject({ code: "E_NOT_FOUND" });
    execFileSync("mkfifo", [path.join(root, "pipe")]);
    await expect(storage.read("pipe")).rejects.toMatchObject({ code: "E_NOT_FOUND" });
  });

  it.runIf((process.umask() & 0o066) !== 0)(
    "widens the mode back to fileMode when the umask narrowed it",
    async () => {
      const wide = createStorage({ driver: "fs", root, fileMode: 0o666 });
      for (const name of ["w1.txt", "w2.txt"]) {
        const saved = await wide.save(name, "x");
        expect((await stat(path.join(root, saved))).mode & 0o777).toBe(0o666);
      }
    },
  );
});
