import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStaticFiles } from "../../src/serve/static/files.js";
import { createFinder } from "../../src/static/finders.js";
import { buildRequest, request, sendRaw } from "../helpers/raw-http.js";
import { SECRET } from "./support/fixture.js";
import { HOSTILE_TARGETS } from "./support/hostile.js";
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

  it("answers 405 to other methods on a source file", async () => {
    const response = await request(running.port, "POST", "/static/css/site.css");
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe("GET, HEAD");
  });

  it("answers ranges and HEAD from the file as it is", async () => {
    writeFileSync(path.join(first, "css/range.css"), "0123456789");
    const range = await request(running.port, "GET", "/static/css/range.css", {
      Range: "bytes=2-4",
    });
    expect(range.status).toBe(206);
    expect(range.body.toString()).toBe("234");
    const head = await request(running.port, "HEAD", "/static/css/range.css");
    expect(head.headers["content-length"]).toBe("10");
    expect(head.body.length).toBe(0);
  });

  it("keeps the traversal guarantees", async () => {
    for (const [label, target] of HOSTILE_TARGETS) {
      const response = await sendRaw(running.port, buildRequest("GET", target));
      expect([400, 404], label).toContain(response.status);
      expect(response.raw.includes(SECRET), `${label} leaked the secret`).toBe(false);
    }
  });
});

describe("createStaticFiles({ dev: true }), as the README shows it", () => {
  const project = mkdtempSync(path.join(tmpdir(), "stowage-dev-default-"));
  const cwd = process.cwd();
  let served: Running;
  beforeAll(async () => {
    mkdirSync(path.join(project, "static/css"), { recursive: true });
    writeFileSync(path.join(project, "static/css/site.css"), "from ./static{}");
    process.chdir(project);
    served = await adapters.express!(createStaticFiles({ dev: true }));
  });
  afterAll(async () => {
    process.chdir(cwd);
    await served.close();
    rmSync(project, { recursive: true, force: true });
  });

  it("serves ./static of the working directory, the default static.dirs", async () => {
    const response = await request(served.port, "GET", "/static/css/site.css");
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("from ./static{}");
    expect(response.headers["cache-control"]).toBe("no-cache");
    expect((await request(served.port, "GET", "/static/css/none.css")).status).toBe(404);
  });

  it("refuses an option dev mode does not read, naming it", () => {
    expect(() => createStaticFiles({ dev: true, root: "x" } as never)).toThrow(
      /Unknown option "root" for createStaticFiles/,
    );
  });
});
