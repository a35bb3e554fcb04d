import { getEventListeners } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkName } from "../../src/storage/names.js";
import { localFile, type Storage } from "../../src/storage/types.js";
import { BAD_NAMES, NAME_ERROR_CODES } from "./bad-names.js";

export interface ConformanceSetup {
  storage: Storage;
  /** Removes whatever the test created (temp dir, container, prefix). */
  cleanup?: () => Promise<void>;
}

export interface ConformanceCapabilities {
  /** The backend refuses a second create of one name (exclusive create / If-None-Match). */
  exclusiveCreate: boolean;
  /** `metadata` and `cacheControl` round-trip through `stat`. */
  metadata: boolean;
}

async function expectCode(promise: Promise<unknown>, codes: Set<string> | string) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught as { code?: string },
  );
  expect(error, "expected a typed error").toBeDefined();
  const allowed = typeof codes === "string" ? new Set([codes]) : codes;
  expect(allowed.has(String(error?.code)), `unexpected code ${error?.code}`).toBe(true);
}

async function names(storage: Storage, prefix?: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of storage.list(prefix)) out.push(entry.name);
  return out.sort();
}

function failingStream(afterBytes: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= afterBytes) {
        this.destroy(new Error("client went away"));
        return;
      }
      sent += 64 * 1024;
      this.push(Buffer.alloc(64 * 1024, 1));
    },
  });
}

/** The behaviour every driver shares; each driver's test file calls this once. */
export function storageConformance(
  label: string,
  setup: () => Promise<ConformanceSetup>,
  capabilities: ConformanceCapabilities,
): void {
  describe(`${label} storage conformance`, () => {
    let storage: Storage;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ storage, cleanup } = await setup());
    });
    afterEach(async () => {
      await cleanup?.();
    });

    it("round-trips bytes, text, Node streams, web streams and async iterables", async () => {
      const inputs = {
        "bytes.bin": new Uint8Array([0, 1, 2, 255]),
        "text.txt": "héllo",
        "node.txt": Readable.from([Buffer.from("node "), Buffer.from("stream")]),
        "web.txt": new Blob(["web stream"]).stream(),
        "iter.txt": (async function* () {
          yield new TextEncoder().encode("async ");
          yield new TextEncoder().encode("iterable");
        })(),
      };
      const expected = ["00 01 02 ff", "héllo", "node stream", "web stream", "async iterable"];
      const saved = [];
      for (const [name, content] of Object.entries(inputs))
        saved.push(await storage.save(name, content));
      expect(saved).toEqual(Object.keys(inputs));
      const bytes = await storage.read("bytes.bin");
      expect([...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ")).toBe(expected[0]);
      for (const [index, name] of saved.slice(1).entries()) {
        expect((await storage.read(name)).toString("utf8")).toBe(expected[index + 1]);
      }
    });

    it("keeps a free name and picks a random variant, whole suffix kept, when it is taken", async () => {
      expect(await storage.save("docs/a.txt", "1")).toBe("docs/a.txt");
      const second = await storage.save("docs/a.txt", "2");
      expect(second).toMatch(/^docs\/a_[A-Za-z0-9]{7}\.txt$/);
      expect(await storage.save("b.tar.gz", "1")).toBe("b.tar.gz");
      expect(await storage.save("b.tar.gz", "2")).toMatch(/^b_[A-Za-z0-9]{7}\.tar\.gz$/);
      expect((await storage.read("docs/a.txt")).toString()).toBe("1");
      expect((await storage.read(second)).toString()).toBe("2");
    });

    it("saves a local file: copied by default, given up with move, never over a taken name", async () => {
      const dir = await mkdtemp(path.join(tmpdir(), "stowage-local-"));
      try {
        // Past one 5 MiB part, so s3 and azure take their multi-part path too.
        const big = Buffer.alloc(6 * 1024 * 1024, 3);
        big.write("start");
        const kept = path.join(dir, "kept.bin");
        const moved = path.join(dir, "moved.bin");
        const small = path.join(dir, "small.txt");
        await writeFile(kept, "kept");
        await writeFile(moved, big);
        await writeFile(small, "small");
        expect(await storage.save("local/a.bin", localFile(kept))).toBe("local/a.bin");
        expect(existsSync(kept)).toBe(true);
        const second = await storage.save("local/a.bin", localFile(moved, { move: true }));
        expect(second).toMatch(/^local\/a_[A-Za-z0-9]{7}\.bin$/);
        expect(existsSync(moved)).toBe(false);
        expect((await storage.read("local/a.bin")).toString()).toBe("kept");
        expect((await storage.read(second)).equals(big)).toBe(true);
        await storage.save("local/a.bin", localFile(small, { move: true }), { overwrite: true });
        expect((await storage.read("local/a.bin")).toString()).toBe("small");
        expect(existsSync(small)).toBe(false);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("keeps a local file it could not save, and names what went wrong", async () => {
      const missing = path.join(tmpdir(), "stowage-no-such-file.bin");
      await expectCode(
        storage.save("local/gone.bin", localFile(missing, { move: true })),
        "E_STORAGE",
      );
      expect(await storage.exists("local/gone.bin")).toBe(false);
    });

    it("replaces an existing file only when overwrite is true", async () => {
      await storage.save("o.txt", "old");
      expect(await storage.save("o.txt", "new", { overwrite: true })).toBe("o.txt");
      expect((await storage.read("o.txt")).toString()).toBe("new");
      expect(await names(storage)).toEqual(["o.txt"]);
    });

    it("opens byte ranges", async () => {
      await storage.save("r.txt", "0123456789");
      const read = async (range: { start: number; end?: number }) => {
        const chunks: Buffer[] = [];
        for await (const chunk of await storage.open("r.txt", { range })) chunks.push(chunk);
        return Buffer.concat(chunks).toString();
      };
      expect(await read({ start: 2, end: 4 })).toBe("234");
      expect(await read({ start: 7 })).toBe("789");
      expect(await read({ start: 0, end: 0 })).toBe("0");
      await expectCode(storage.open("r.txt", { range: { start: 5, end: 2 } }), "E_INVALID_RANGE");
      await expectCode(storage.open("r.txt", { range: { start: -1 } }), "E_INVALID_RANGE");
    });

    it("reports a missing file as E_NOT_FOUND, null or false, and deletes it quietly", async () => {
      await expectCode(storage.read("missing.txt"), "E_NOT_FOUND");
      await expectCode(storage.open("missing.txt"), "E_NOT_FOUND");
      expect(await storage.stat("missing.txt")).toBeNull();
      expect(await storage.exists("missing.txt")).toBe(false);
      await storage.delete("missing.txt");
      await storage.save("gone.txt", "x");
      await storage.delete("gone.txt");
      expect(await storage.exists("gone.txt")).toBe(false);
    });

    it("stats size, modification date and content type", async () => {
      const before = Date.now() - 5 * 60_000;
      await storage.save("s/photo.png", new Uint8Array(10));
      await storage.save("s/data.bin", "abc", { contentType: "application/x-custom" });
      const png = await storage.stat("s/photo.png");
      expect(png).toMatchObject({ name: "s/photo.png", size: 10, contentType: "image/png" });
      expect(png!.lastModified.getTime()).toBeGreaterThan(before);
      if (capabilities.metadata) {
        expect((await storage.stat("s/data.bin"))?.contentType).toBe("application/x-custom");
      }
    });

    it.runIf(capabilities.metadata)(
      "stores metadata and cache control with the object",
      async () => {
        await storage.save("m.txt", "x", { metadata: { original: "report.txt" } });
        expect((await storage.stat("m.txt"))?.metadata).toMatchObject({ original: "report.txt" });
      },
    );

    it("lists names by prefix, nested folders included, in order", async () => {
      const all = [
        "a.txt",
        "dir/b.txt",
        "dir/sub/c.txt",
        "dir2/d.txt",
        "e.txt",
        "dir/f.txt",
        "g.txt",
      ];
      for (const name of all) await storage.save(name, name);
      expect(await names(storage)).toEqual([...all].sort());
      expect(await names(storage, "dir/")).toEqual(["dir/b.txt", "dir/f.txt", "dir/sub/c.txt"]);
      expect(await names(storage, "dir")).toEqual([
        "dir/b.txt",
        "dir/f.txt",
        "dir/sub/c.txt",
        "dir2/d.txt",
      ]);
      expect(await names(storage, "nothing/")).toEqual([]);
      const sizes = [];
      for await (const entry of storage.list("a")) sizes.push(entry.size);
      expect(sizes).toEqual([5]);
    });

    it("copies to a free name unless overwrite is true", async () => {
      await storage.save("c/src.txt", "source");
      await storage.save("c/dst.txt", "taken");
      const copied = await storage.copy("c/src.txt", "c/dst.txt");
      expect(copied).toMatch(/^c\/dst_[A-Za-z0-9]{7}\.txt$/);
      expect((await storage.read(copied)).toString()).toBe("source");
      expect(await storage.copy("c/src.txt", "c/dst.txt", { overwrite: true })).toBe("c/dst.txt");
      expect((await storage.read("c/dst.txt")).toString()).toBe("source");
      await expectCode(storage.copy("c/none.txt", "c/x.txt"), "E_NOT_FOUND");
    });

    it("gives every bad name a typed error or a safe name inside the root", async () => {
      for (const bad of BAD_NAMES) {
        let saved: string | undefined;
        try {
          saved = await storage.save(bad, "content");
        } catch (error) {
          expect(NAME_ERROR_CODES.has((error as { code: string }).code), JSON.stringify(bad)).toBe(
            true,
          );
          continue;
        }
        expect(() => checkName(saved), JSON.stringify(bad)).not.toThrow();
        expect(saved.length).toBeLessThanOrEqual(255);
        expect(saved).not.toMatch(/[<>"';\n\r\\\u0000]|(^|\/)\.\.?(\/|$)/);
        expect((await storage.read(saved)).toString()).toBe("content");
      }
      for (const name of await names(storage)) expect(() => checkName(name)).not.toThrow();
    });

    it("refuses traversal and invalid names on every read and delete", async () => {
      for (const bad of ["../x", "/etc/passwd", "a/../../b", "C:\\x", "", "a\u0000b", "a//b"]) {
        await expectCode(storage.read(bad), NAME_ERROR_CODES);
        await expectCode(storage.stat(bad), NAME_ERROR_CODES);
        await expectCode(storage.delete(bad), NAME_ERROR_CODES);
        expect(() => storage.url(bad)).toThrow();
      }
    });

    it.runIf(capabilities.exclusiveCreate)(
      "gives 100 concurrent saves of one name 100 distinct files with the right contents",
      async () => {
        const contents = Array.from({ length: 100 }, (_, index) => `content ${index}`);
        const saved = await Promise.all(
          contents.map((content) => storage.save("race.txt", content)),
        );
        expect(new Set(saved).size).toBe(100);
        const read = await Promise.all(
          saved.map(async (name) => (await storage.read(name)).toString()),
        );
        expect(read).toEqual(contents);
        expect((await names(storage)).length).toBe(100);
      },
    );

    it("leaves no object under the final name when the stream fails half way", async () => {
      await expect(storage.save("broken.bin", failingStream(256 * 1024))).rejects.toThrow(
        /went away/,
      );
      await expect(
        storage.save("broken2.bin", failingStream(128 * 1024), { overwrite: true }),
      ).rejects.toThrow(/went away/);
      expect(await storage.exists("broken.bin")).toBe(false);
      expect(await storage.exists("broken2.bin")).toBe(false);
      expect(await names(storage)).toEqual([]);
    });

    it("stores non-Latin and emoji names, and returns metadata as given, keys lower-case", async () => {
      const wanted = ["отчёт.pdf", "报告.pdf", "📄 report.pdf", "docs/χ/ñ.txt"];
      const saved = [];
      for (const name of wanted) {
        saved.push(
          await storage.save(name, name, { metadata: { originalName: name, note: "ok" } }),
        );
      }
      expect(saved).toEqual(["отчёт.pdf", "报告.pdf", "📄_report.pdf", "docs/χ/ñ.txt"]);
      for (const [index, name] of saved.entries()) {
        expect((await storage.read(name)).toString()).toBe(wanted[index]);
        expect(storage.url(name)).toContain(encodeURIComponent(name.split("/").at(-1)!));
      }
      expect(await names(storage)).toEqual([...saved].sort());
      if (capabilities.metadata) {
        const tricky = {
          originalName: "отчёт 报告 📄.pdf",
          spaced: "  padded  ",
          encodedLooking: "=?UTF-8?B?aGk=?=",
          ascii: "plain-ascii; v=1",
        };
        await storage.save("meta.txt", "x", { metadata: tricky });
        expect((await storage.stat("meta.txt"))?.metadata).toEqual({
          originalname: tricky.originalName,
          spaced: tricky.spaced,
          encodedlooking: tricky.encodedLooking,
          ascii: tricky.ascii,
        });
      }
    });

    it("refuses metadata some driver cannot store, and writes nothing", async () => {
      const bad: Record<string, string>[] = [
        { "original-name": "x" },
        { "1st": "x" },
        { a: "x", A: "y" },
        { big: "é".repeat(1200) },
        { value: 3 as unknown as string },
      ];
      for (const metadata of bad) {
        await expectCode(storage.save("m.txt", "x", { metadata }), "E_INVALID_METADATA");
      }
      expect(await names(storage)).toEqual([]);
    });

    it("names one file by its NFC spelling, whichever spelling saves or reads it", async () => {
      const nfd = "cafe\u0301.txt";
      const nfc = "caf\u00e9.txt";
      expect(await storage.save(nfd, "first")).toBe(nfc);
      expect((await storage.read(nfd)).toString()).toBe("first");
      const second = await storage.save(nfc, "second");
      expect(second).not.toBe(nfc);
      expect((await storage.read(nfc)).toString()).toBe("first");
      expect(await names(storage)).toEqual([nfc, second].sort());
    });

    it("strips leading dots on save and refuses hidden names everywhere else", async () => {
      expect(await storage.save(".htaccess", "x")).toBe("htaccess");
      expect(await storage.save("dir/.stowage-0123456789abcdef.tmp", "y")).toBe(
        "dir/stowage-0123456789abcdef.tmp",
      );
      for (const hidden of [
        ".htaccess",
        "dir/.stowage-0123456789abcdef.tmp",
        ".stowage-claims/x",
      ]) {
        await expectCode(storage.read(hidden), "E_INVALID_NAME");
        await expectCode(storage.delete(hidden), "E_INVALID_NAME");
        expect(() => storage.url(hidden)).toThrow(
          expect.objectContaining({ code: "E_INVALID_NAME" }),
        );
      }
      expect(await storage.save("a:b.txt", "z")).toBe("ab.txt");
      expect(await names(storage)).toEqual([
        "ab.txt",
        "dir/stowage-0123456789abcdef.tmp",
        "htaccess",
      ]);
    });

    it("answers a lone surrogate with a name error, in url() and signedUrl() too", async () => {
      expect(() => storage.url("\ud800.txt")).toThrow(
        expect.objectContaining({ code: "E_INVALID_NAME" }),
      );
      await expectCode(storage.signedUrl("\ud800.txt"), "E_INVALID_NAME");
      await expectCode(storage.save("\ud800.txt", "x"), "E_INVALID_NAME");
      expect(await names(storage)).toEqual([]);
    });

    it("refuses signedUrl arguments that cannot make a working link, with E_INVALID_ARGUMENT", async () => {
      await storage.save("s.txt", "x");
      const bad = [
        { expiresIn: 0 },
        { expiresIn: -1 },
        { expiresIn: 0.2 },
        { expiresIn: 1e15 },
        { expiresIn: 7 * 24 * 3600 + 1 },
        { disposition: "inline\r\nSet-Cookie: a=b" },
        { disposition: { type: "attachment", filename: "a\r\nb.txt" } },
        { disposition: { type: "download", filename: "a.txt" } },
      ];
      for (const options of bad) {
        const error = await storage
          .signedUrl("s.txt", options as never)
          .catch((caught: unknown) => caught as { code?: string; status?: number });
        expect(error, JSON.stringify(options)).toMatchObject({
          code: "E_INVALID_ARGUMENT",
          status: 400,
        });
      }
      const link = await storage.signedUrl("s.txt", {
        expiresIn: 7 * 24 * 3600,
        disposition: { type: "attachment", filename: "отчёт.pdf" },
      });
      expect(link).toContain("s.txt");
    });

    it("settles an aborted save with E_ABORTED even when its source stalls, leaving nothing", async () => {
      const controller = new AbortController();
      let reads = 0;
      // One chunk, then silence: the next read aborts the save and never gets data.
      const stalled = new Readable({
        read() {
          reads++;
          if (reads === 1) this.push(Buffer.alloc(1024, 1));
          else queueMicrotask(() => controller.abort());
        },
      });
      await expectCode(
        storage.save("stalled.bin", stalled, { signal: controller.signal }),
        "E_ABORTED",
      );
      await expectCode(
        storage.save("before.bin", "x", { signal: AbortSignal.abort() }),
        "E_ABORTED",
      );
      expect(await storage.exists("stalled.bin")).toBe(false);
      expect(await names(storage)).toEqual([]);
    });

    it("leaves no listener on a signal shared by many saves", async () => {
      const shared = new AbortController().signal;
      await storage.save("one.txt", "1", { signal: shared });
      await storage.save("two.txt", Readable.from([Buffer.from("2")]), { signal: shared });
      await expect(
        storage.save("three.bin", failingStream(64 * 1024), { signal: shared }),
      ).rejects.toThrow(/went away/);
      expect(getEventListeners(shared, "abort")).toHaveLength(0);
    });

    it("builds public and signed URLs that name the file", async () => {
      await storage.save("u/a b.txt", "x");
      expect(storage.url("u/a_b.txt")).toContain("u/a_b.txt");
      const signed = await storage.signedUrl("u/a_b.txt", { expiresIn: 60 });
      expect(signed).toContain("u/a_b.txt");
      expect(signed).not.toBe(storage.url("u/a_b.txt"));
    });
  });
}
