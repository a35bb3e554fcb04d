import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createStorage, memoryDriver } from "../../src/storage/index.js";
import { storageConformance } from "./conformance.js";

storageConformance(
  "memory",
  async () => ({ storage: createStorage("memory://", { secret: "s" }) }),
  { exclusiveCreate: true, metadata: true },
);

describe("memory storage", () => {
  it("keeps each storage's objects apart", async () => {
    const one = createStorage({ driver: "memory" });
    const two = createStorage({ driver: "memory" });
    await one.save("a.txt", "1");
    expect(await two.exists("a.txt")).toBe(false);
  });

  it("keeps its own copy of saved bytes and hands out copies on read", async () => {
    const storage = createStorage({ driver: "memory" });
    const body = Buffer.from("abc");
    await storage.save("a.txt", body);
    body.write("xyz");
    const read = await storage.read("a.txt");
    expect(read.toString()).toBe("abc");
    read.write("zzz");
    expect((await storage.read("a.txt")).toString()).toBe("abc");
  });

  it("settles a driver save when aborted, even if the source stalls", async () => {
    const controller = new AbortController();
    const stalled = new Readable({
      read() {
        // Never pushes: the source is stuck; the abort must still end the save.
        queueMicrotask(() => controller.abort());
      },
    });
    const driver = memoryDriver();
    await expect(driver.put("a.bin", stalled, { signal: controller.signal })).rejects.toMatchObject(
      { name: "AbortError" },
    );
    expect(await driver.head("a.bin")).toBeNull();
  });

  it("uses the baseUrl given in the URL", () => {
    expect(createStorage("memory://?baseUrl=/files/").url("a b/c.txt")).toBe("/files/a%20b/c.txt");
  });
});
