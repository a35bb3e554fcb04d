import { renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStaticFiles } from "../../src/serve/static/files.js";
import { type RawResponse, request } from "../helpers/raw-http.js";
import { BIG_SIZE, makeFixture, TEST_MAX_MEMORY_FILE } from "./support/fixture.js";
import { adapters, type Running } from "./support/servers.js";

const fixture = await makeFixture();
afterAll(() => fixture.cleanup());
const startFiles = () =>
  createStaticFiles({ root: fixture.root, maxMemoryFileSize: TEST_MAX_MEMORY_FILE });

/** The response says exactly what it carries: the length it announces and a validator of its own bytes. */
function expectConsistent(response: RawResponse, content: Buffer, oldTag: string): void {
  expect(response.status).toBe(200);
  expect(response.headers["content-length"]).toBe(String(content.length));
  expect(response.body.length).toBe(content.length);
  expect(response.body.equals(content)).toBe(true);
  expect(response.headers.etag).not.toBe(oldTag);
}

describe.each(["standalone", "express", "fastify", "hono"])("streaming through %s", (name) => {
  let running: Running;
  beforeAll(async () => {
    running = await adapters[name]!(startFiles());
  });
  afterAll(() => running.close());

  it("streams a file larger than the memory limit in full", async () => {
    const response = await request(running.port, "GET", "/static/big.bin");
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(BIG_SIZE);
    expect(response.body.equals(fixture.big)).toBe(true);
  });
});

describe.each(["standalone", "express", "fastify", "hono"])(
  "a streamed file changed after start-up, through %s",
  (name) => {
    let running: Running;
    const file = path.join(fixture.root, `changing-${name}.bin`);
    const key = `/static/changing-${name}.bin`;
    const original = Buffer.alloc(600_000, 1);
    beforeAll(async () => {
      writeFileSync(file, original);
      running = await adapters[name]!(startFiles());
    });
    afterAll(() => running.close());

    it("sends the new bytes under their own length and ETag when rewritten in place (shorter)", async () => {
      const before = await request(running.port, "GET", key);
      expect(before.body.equals(original)).toBe(true);
      const shorter = Buffer.alloc(300_000, 2);
      writeFileSync(file, shorter);
      expectConsistent(await request(running.port, "GET", key), shorter, before.headers.etag!);
    });

    it("sends the new bytes under their own length and ETag when replaced by rename (longer)", async () => {
      const before = await request(running.port, "GET", key);
      const longer = Buffer.alloc(700_000, 3);
      writeFileSync(`${file}.tmp`, longer);
      renameSync(`${file}.tmp`, file);
      expectConsistent(await request(running.port, "GET", key), longer, before.headers.etag!);
    });

    it("answers a range of the file as it is now", async () => {
      const now = Buffer.alloc(50_000, 4);
      writeFileSync(file, now);
      const response = await request(running.port, "GET", key, { Range: "bytes=49990-" });
      expect(response.status).toBe(206);
      expect(response.headers["content-range"]).toBe(`bytes 49990-49999/${now.length}`);
      expect(response.body.length).toBe(10);
    });

    it("passes the request on once the file is removed, and stays up", async () => {
      rmSync(file);
      expect((await request(running.port, "GET", key)).status).toBe(404);
      expect((await request(running.port, "GET", "/static/js/app.js")).status).toBe(200);
    });
  },
);
