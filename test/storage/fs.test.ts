import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStorage } from "../../src/storage/index.js";
import type { Storage } from "../../src/storage/types.js";
import { BAD_NAMES } from "./bad-names.js";
import { storageConformance } from "./conformance.js";

async function freshRoot() {
  const parent = await mkdtemp(path.join(tmpdir(), "stowage-fs-"));
  const root = path.join(parent, "root");
  return { parent, root };
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

storageConformance(
  "fs",
  async () => {
    const { parent, root } = await freshRoot();
    return {
      storage: createStorage({ driver: "fs", root }, { secret: "s" }),
      cleanup: () => rm(parent, { recursive: true, force: true }),
    };
  },
  { exclusiveCreate: true, metadata: false },
);

describe("fs storage on disk", () => {
  let parent: string;
  let root: string;
  let storage: Storage;

  beforeEach(async () => {
    ({ parent, root } = await freshRoot());
    storage = createStorage(
      { driver: "fs", root, fileMode: 0o640, dirMode: 0o750 },
      { secret: "s" },
    );
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  it("writes nothing outside its root for any bad name", async () => {
    await writeFile(path.join(parent, "x"), "outside");
    for (const bad of BAD_NAMES) await storage.save(bad, "content").catch(() => undefined);
    const outside = (await readdir(parent)).sort();
    expect(outside).toEqual(["root", "x"]);
    for (const file of await allFiles(root)) expect(file.split(path.sep)).not.toContain("..");
  });

  it("leaves no temp file behind when a stream fails half way", async () => {
    let sent = 0;
    const body = new Readable({
      read() {
        if (sent++ > 3) this.destroy(new Error("client went away"));
        else this.push(Buffer.alloc(65536));
      },
    });
    await expect(storage.save("deep/a.bin", body)).rejects.toThrow(/went away/);
    expect(await allFiles(root)).toEqual([]);
  });

  it("applies the configured file and folder modes", async () => {
    const name = await storage.save("folder/file.txt", "x");
    expect((await stat(path.join(root, name))).mode & 0o777).toBe(0o640);
    expect((await stat(path.join(root, "folder"))).mode & 0o777).toBe(0o750);
  });

  it("does not follow a symlink that points outside the root", async () => {
    await storage.save("inside.txt", "in");
    await writeFile(path.join(parent, "secret.txt"), "secret");
    await symlink(path.join(parent, "secret.txt"), path.join(root, "link.txt"));
    expect(await storage.exists("link.txt")).toBe(false);
    await expect(storage.read("link.txt")).rejects.toMatchObject({ code: "E_NOT_FOUND" });
  });

  describe("with a symlinked folder inside the root", () => {
    let outside: string;
    beforeEach(async () => {
      outside = path.join(parent, "outside");
      await mkdir(outside);
      await writeFile(path.join(outside, "victim.txt"), "outside bytes");
      await storage.save("real/inner.txt", "inner");
      await symlink(outside, path.join(root, "out"));
      await symlink(path.join(root, "real"), path.join(root, "alias"));
    });

    const outsideFiles = async () => (await readdir(outside)).sort();

    it("saves nothing through it, with or without overwrite, and says why", async () => {
      for (const name of ["out/new.txt", "out/victim.txt", "alias/new.txt", "out/deep/x.txt"]) {
        for (const overwrite of [false, true]) {
          const error = await storage.save(name, "attack", { overwrite }).catch((e: unknown) => e);
          expect(error, name).toMatchObject({ code: "E_FOLDER_CONFLICT", status: 409 });
        }
      }
      expect(await outsideFiles()).toEqual(["victim.txt"]);
      expect(await readFile(path.join(outside, "victim.txt"), "utf8")).toBe("outside bytes");
      expect(await readdir(path.join(root, "real"))).toEqual(["inner.txt"]);
    });

    it("deletes nothing through it", async () => {
      await storage.delete("out/victim.txt");
      await storage.delete("alias/inner.txt");
      expect(await outsideFiles()).toEqual(["victim.txt"]);
      expect(await storage.exists("real/inner.txt")).toBe(true);
    });

    it("reads and lists nothing through it, even when it points inside the root", async () => {
      expect(await storage.exists("out/victim.txt")).toBe(false);
      expect(await storage.exists("alias/inner.txt")).toBe(false);
      await expect(storage.read("alias/inner.txt")).rejects.toMatchObject({ code: "E_NOT_FOUND" });
      const listed = async (prefix?: string) => {
        const out = [];
        for await (const entry of storage.list(prefix)) out.push(entry.name);
        return out;
      };
      expect(await listed()).toEqual(["real/inner.txt"]);
      expect(await listed("out/")).toEqual([]);
      expect(await listed("alias/")).toEqual([]);
    });

    it("replaces a symlinked file on overwrite without writing through it", async () => {
      await symlink(path.join(outside, "victim.txt"), path.join(root, "link.txt"));
      await storage.save("link.txt", "mine", { overwrite: true });
      expect(await readFile(path.join(outside, "victim.txt"), "utf8")).toBe("outside bytes");
      expect((await storage.read("link.txt")).toString()).toBe("mine");
    });
  });

  it("refuses a name under an existing file with E_FOLDER_CONFLICT, leaving no temp file", async () => {
    await storage.save("a.txt", "file");
    for (const overwrite of [false, true]) {
      await expect(storage.save("a.txt/b", "x", { overwrite })).rejects.toMatchObject({
        code: "E_FOLDER_CONFLICT",
        status: 409,
        message: expect.stringContaining('"a.txt" would have to be a folder'),
      });
    }
    await storage.save("d/x.txt", "x");
    await expect(storage.save("d", "x", { overwrite: true })).rejects.toMatchObject({
      code: "E_FOLDER_CONFLICT",
    });
    expect(await storage.save("d", "x")).toMatch(/^d_[A-Za-z0-9]{7}$/);
    expect((await allFiles(root)).filter((file) => file.includes(".stowage-"))).toEqual([]);
  });

  it("stores a non-Latin name over 255 bytes shortened to fit the disk, not as E_STORAGE", async () => {
    const name = await storage.save(`${"отчёт".repeat(40)}.pdf`, "x");
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(name).toMatch(/^(отчёт)+[^_]*_[A-Za-z0-9]{7}\.pdf$/);
    expect((await storage.read(name)).toString()).toBe("x");
    await expect(storage.read(`${"ж".repeat(200)}.txt`)).rejects.toMatchObject({
      code: "E_INVALID_NAME",
    });
    await expect(
      storage.save(`${"ж".repeat(200)}.txt`, "x", { overwrite: true }),
    ).rejects.toMatchObject({ code: "E_INVALID_NAME", status: 400 });
  });

  it("hides dotfiles placed in the root by hand", async () => {
    await storage.save("seen.txt", "x");
    await writeFile(path.join(root, ".DS_Store"), "x");
    await mkdir(path.join(root, ".git"));
    await writeFile(path.join(root, ".git", "config"), "x");
    const listed = [];
    for await (const entry of storage.list()) listed.push(entry.name);
    expect(listed).toEqual(["seen.txt"]);
  });

  it("builds HMAC-signed URLs under its base URL and refuses to sign without a secret", async () => {
    const signed = await storage.signedUrl("a.txt", { expiresIn: 60, disposition: "attachment" });
    expect(signed).toMatch(
      /^\/media\/a\.txt\?expires=\d+&disposition=attachment&signature=[\w-]+$/,
    );
    const unsigned = createStorage({ driver: "fs", root });
    await expect(unsigned.signedUrl("a.txt")).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringContaining("createStorage(spec, { secret })"),
    });
  });

  it("resolves file:// URLs, absolute and relative to baseDir", async () => {
    const absolute = createStorage(`file://${root}`);
    await absolute.save("abs.txt", "1");
    const relative = createStorage("file://./root", { baseDir: parent });
    expect((await relative.read("abs.txt")).toString()).toBe("1");
  });
});
