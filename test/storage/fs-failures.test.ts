import * as realFs from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createStorage } from "../../src/storage/index.js";

/** Which call the mocked fs fails next, to stand in for a full disk or a dying device. */
const fault: { writeFile?: boolean; link?: boolean; rename?: boolean } = {};

function ioError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected by the test`), { code });
}

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  const mocked = {
    ...actual,
    // Half the bytes reach the disk, then the disk is full: the worst case for a reader.
    writeFile: async (...args: Parameters<typeof actual.writeFile>) => {
      if (!fault.writeFile) return actual.writeFile(...args);
      const [file, data, options] = args;
      await actual.writeFile(
        file,
        (data as Buffer).subarray(0, (data as Buffer).length >> 1),
        options,
      );
      throw ioError("ENOSPC");
    },
    link: async (...args: Parameters<typeof actual.link>) => {
      if (fault.link) throw ioError("EIO");
      return actual.link(...args);
    },
    rename: async (...args: Parameters<typeof actual.rename>) => {
      if (fault.rename) throw ioError("EIO");
      return actual.rename(...args);
    },
  };
  return { ...mocked, default: mocked };
});

async function allFiles(dir: string): Promise<string[]> {
  const entries = await realFs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => entry.name);
}

describe("fs storage when the disk fails during an in-memory save", () => {
  let parent: string;
  let root: string;

  beforeEach(async () => {
    parent = await realFs.mkdtemp(path.join(tmpdir(), "stowage-fs-fail-"));
    root = path.join(parent, "root");
  });
  afterEach(async () => {
    for (const key of Object.keys(fault)) delete fault[key as keyof typeof fault];
    await realFs.rm(parent, { recursive: true, force: true });
  });

  const body = Buffer.alloc(8192, 7);
  const cases = [
    { label: "the write runs out of space", fail: "writeFile", overwrite: false },
    { label: "the write runs out of space on overwrite", fail: "writeFile", overwrite: true },
    { label: "the link fails", fail: "link", overwrite: false },
    { label: "the rename fails on overwrite", fail: "rename", overwrite: true },
  ] as const;

  for (const { label, fail, overwrite } of cases) {
    it(`leaves nothing, not even a temp file, when ${label}`, async () => {
      const storage = createStorage({ driver: "fs", root });
      fault[fail] = true;
      const error = await storage.save("f/a.bin", body, { overwrite }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "E_STORAGE" });
      expect((error as Error).message).toMatch(/ENOSPC|EIO/);
      expect(await allFiles(root)).toEqual([]);
    });
  }

  it("keeps the old file whole when an overwrite fails half way", async () => {
    const storage = createStorage({ driver: "fs", root });
    await storage.save("f/a.bin", "old contents");
    fault.writeFile = true;
    await expect(storage.save("f/a.bin", body, { overwrite: true })).rejects.toMatchObject({
      code: "E_STORAGE",
    });
    expect((await storage.read("f/a.bin")).toString()).toBe("old contents");
    expect(await allFiles(root)).toEqual(["a.bin"]);
  });
});
