import { mkdtemp, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
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

  it("builds HMAC-signed URLs under its base URL and refuses to sign without a secret", async () => {
    const signed = await storage.signedUrl("a.txt", { expiresIn: 60, disposition: "attachment" });
    expect(signed).toMatch(
      /^\/media\/a\.txt\?expires=\d+&disposition=attachment&signature=[\w-]+$/,
    );
    const unsigned = createStorage({ driver: "fs", root });
    await expect(unsigned.signedUrl("a.txt")).rejects.toMatchObject({ code: "E_CONFIG" });
  });

  it("resolves file:// URLs, absolute and relative to baseDir", async () => {
    const absolute = createStorage(`file://${root}`);
    await absolute.save("abs.txt", "1");
    const relative = createStorage("file://./root", { baseDir: parent });
    expect((await relative.read("abs.txt")).toString()).toBe("1");
  });
});
