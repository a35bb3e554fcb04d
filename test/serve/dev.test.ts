import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStaticFiles } from "../../src/serve/files.js";
import { createFinder } from "../../src/static/finders.js";
import { SECRET } from "./support/fixture.js";
import { HOSTILE_TARGETS } from "./support/hostile.js";
import { buildRequest, request, sendRaw } from "./support/raw-http.js";
import { adapters, type Running } from "./support/servers.js";

const base = mkdtempSync(path.join(tmpdir(), "stowage-dev-"));
const first = path.join(base, "static");
const second = path.join(base, "app", "static");
mkdirSync(path.join(first, "css"), { recursive: true });
mkdirSync(path.join(second, "css"), { recursive: true });
writeFileSync(path.join(first, "css/site.css"), "body{}");
writeFileSync(path.join(second, "css/site.css"), "shadowed{}");
writeFileSync(path.join(second, "css/app.css"), "app{}");
writeFileSync(path.join(first, ".env"), SECRET);
writeFileSync(path.join(base, "secret.txt"), SECRET);

const files = createStaticFiles({
  dev: true,
  finder: createFinder({
    sources: [
      { prefix: "", dir: first, origin: "dirs[0]" },
      { prefix: "", dir: second, origin: "apps[0]" },
    ],
    ignore: [],
    defaultIgnore: true,
  }),
});

let running: Running;
beforeAll(async () => {
  running = await adapters.standalone!(files);
});
afterAll(async () => {
  await running.close();
  rmSync(base, { recursive: true, force: true });
});

describe("dev mode", () => {
  it("serves from the first source that has the file, with no-cache", async () => {
    const response = await request(running.port, "GET", "/static/css/site.css");
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("body{}");
    expect(response.headers["cache-control"]).toBe("no-cache");
    expect(response.headers["content-type"]).toBe("text/css; charset=utf-8");
  });

  it("serves later sources too", async () => {
    expect((await request(running.port, "GET", "/static/css/app.css")).body.toString()).toBe(
      "app{}",
    );
  });

  it("picks up a new file without a restart", async () => {
    expect((await request(running.port, "GET", "/static/css/new.css")).status).toBe(404);
    writeFileSync(path.join(first, "css/new.css"), "new{}");
    const response = await request(running.port, "GET", "/static/css/new.css");
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("new{}");
  });

  it("picks up a change and gives it a new ETag", async () => {
    const before = await request(running.port, "GET", "/static/css/site.css");
    writeFileSync(path.join(first, "css/site.css"), "body{color:red}");
    const after = await request(running.port, "GET", "/static/css/site.css", {
      "If-None-Match": before.headers.etag!,
    });
    expect(after.status).toBe(200);
    expect(after.body.toString()).toBe("body{color:red}");
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it("revalidates an unchanged file with 304", async () => {
    const first = await request(running.port, "GET", "/static/css/app.css");
    const again = await request(running.port, "GET", "/static/css/app.css", {
      "If-None-Match": first.headers.etag!,
    });
    expect(again.status).toBe(304);
  });

  it("keeps the traversal guarantees", async () => {
    for (const [label, target] of HOSTILE_TARGETS) {
      const response = await sendRaw(running.port, buildRequest("GET", target));
      expect([400, 404], label).toContain(response.status);
      expect(response.raw.includes(SECRET), `${label} leaked the secret`).toBe(false);
    }
  });
});
