import { describe, expect, it } from "vitest";
import { createStorage } from "../../src/storage/index.js";
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

  it("uses the baseUrl given in the URL", () => {
    expect(createStorage("memory://?baseUrl=/files/").url("a b/c.txt")).toBe("/files/a%20b/c.txt");
  });
});
