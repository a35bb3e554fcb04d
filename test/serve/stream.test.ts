import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStaticFiles } from "../../src/serve/files.js";
import { BIG_SIZE, makeFixture, TEST_MAX_MEMORY_FILE } from "./support/fixture.js";
import { request } from "./support/raw-http.js";
import { adapters, type Running } from "./support/servers.js";

const fixture = makeFixture();
const files = createStaticFiles({ root: fixture.root, maxMemoryFileSize: TEST_MAX_MEMORY_FILE });
afterAll(() => fixture.cleanup());

describe.each(["standalone", "fastify", "hono"])("streaming through %s", (name) => {
  let running: Running;
  beforeAll(async () => {
    running = await adapters[name]!(files);
  });
  afterAll(() => running.close());

  it("streams a file larger than the memory limit in full", async () => {
    const response = await request(running.port, "GET", "/static/big.bin");
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(BIG_SIZE);
    expect(response.body.equals(fixture.big)).toBe(true);
  });
});

describe("a streamed file removed after start-up", () => {
  let running: Running;
  beforeAll(async () => {
    running = await adapters.standalone!(files);
  });
  afterAll(() => running.close());

  it("cuts the response short instead of sending other bytes, and the server stays up", async () => {
    rmSync(path.join(fixture.root, "big.bin"));
    const cut = await request(running.port, "GET", "/static/big.bin").catch(
      (error: Error) => error,
    );
    if (!(cut instanceof Error)) expect(cut.body.length).toBeLessThan(BIG_SIZE);
    const after = await request(running.port, "GET", "/static/js/app.js");
    expect(after.status).toBe(200);
  });
});
