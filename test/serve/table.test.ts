import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ServeRequest, ServeResponse } from "../../src/serve/core.js";
import { createStaticFiles } from "../../src/serve/static/files.js";
import { StaticRootError } from "../../src/serve/static/table.js";
import { BIG_SIZE, HASHED_CSS, makeFixture } from "./support/fixture.js";

const fixture = await makeFixture();
afterAll(() => fixture.cleanup());

const get = (target: string, extra: Partial<ServeRequest> = {}): ServeRequest => ({
  method: "GET",
  target,
  ...extra,
});

/** Read a streamed body whole (which also closes its file). */
async function streamed(response: ServeResponse | null): Promise<Buffer> {
  const body = response!.body;
  if (body === null || Buffer.isBuffer(body)) throw new Error("not a streamed body");
  const chunks: Buffer[] = [];
  for await (const chunk of body.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("the production file table", () => {
  it("answers files held in memory at once, and opens the rest", async () => {
    const files = createStaticFiles({ root: fixture.root, maxMemoryFileSize: 4096 });
    const small = files.respond(get("/static/js/app.js")) as ServeResponse;
    expect(Buffer.isBuffer(small.body)).toBe(true);
    const large = files.respond(get("/static/big.bin"));
    expect(large).toBeInstanceOf(Promise);
    const body = (await large)!.body;
    expect(body).toMatchObject({ length: BIG_SIZE });
    await streamed(await large);
  });

  it("streams everything once the memory budget is spent", async () => {
    const files = createStaticFiles({ root: fixture.root, memoryBudget: 0 });
    const response = await files.respond(get("/static/js/app.js"));
    expect(Buffer.isBuffer(response!.body)).toBe(false);
    expect((await streamed(response)).equals(fixture.js)).toBe(true);
  });

  it("fills the budget with the smallest files first", async () => {
    // Room for the js file but not for the larger css identity variant.
    const files = createStaticFiles({ root: fixture.root, memoryBudget: fixture.js.length + 100 });
    expect(files.respond(get("/static/js/app.js"))).not.toBeInstanceOf(Promise);
    const css = await files.respond(get(`/static/${HASHED_CSS}`));
    expect(Buffer.isBuffer(css!.body)).toBe(false);
    await streamed(css);
  });

  it("refuses an option it does not read, naming it", () => {
    expect(() => createStaticFiles({ root: fixture.root, memoryBudjet: 1 } as never)).toThrow(
      expect.objectContaining({ code: "E_CONFIG", key: "memoryBudjet" }),
    );
  });

  it("serves under the path of a CDN static.url", () => {
    const files = createStaticFiles({
      root: fixture.root,
      prefix: "https://cdn.example.com/assets/v1/",
    });
    expect(files.prefix).toBe("/assets/v1/");
    expect((files.respond(get("/assets/v1/js/app.js")) as ServeResponse).status).toBe(200);
    expect(files.respond(get("/static/js/app.js"))).toBeNull();
  });

  it("leaves out links to allowed-looking places unless they are configured link targets", () => {
    const files = createStaticFiles({ root: fixture.root });
    expect(files.respond(get("/static/linked.css"))).toBeNull();
    const allowed = createStaticFiles({ root: fixture.root, linkTargets: [fixture.source] });
    expect((allowed.respond(get("/static/linked.css")) as ServeResponse).status).toBe(200);
  });

  it("counts the servable files, not the variants, dotfiles or manifest", () => {
    const files = createStaticFiles({ root: fixture.root, linkTargets: [fixture.source] });
    // hashed css, css, js, big, empty, space, accent, archive, linked
    expect(files.count).toBe(9);
  });

  it("serves a zstd sibling when it is the smallest acceptable variant", () => {
    const dir = path.join(fixture.base, "zstd-root");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "a.js"), "x".repeat(1000));
    writeFileSync(path.join(dir, "a.js.zst"), "z".repeat(40));
    writeFileSync(path.join(dir, "a.js.gz"), "g".repeat(60));
    const files = createStaticFiles({ root: dir });
    const zstd = files.respond(
      get("/static/a.js", { acceptEncoding: "gzip, zstd" }),
    ) as ServeResponse;
    expect(zstd.headers["Content-Encoding"]).toBe("zstd");
    expect(zstd.headers["Content-Length"]).toBe("40");
    const gzip = files.respond(
      get("/static/a.js", { acceptEncoding: "gzip, zstd;q=0" }),
    ) as ServeResponse;
    expect(gzip.headers["Content-Encoding"]).toBe("gzip");
  });

  it("does not see files added after start-up", () => {
    const files = createStaticFiles({ root: fixture.root });
    writeFileSync(path.join(fixture.root, "late.css"), "a{}");
    expect(files.respond(get("/static/late.css"))).toBeNull();
  });

  it("refuses a missing root with an actionable error", () => {
    const root = path.join(fixture.base, "not-collected");
    expect(() => createStaticFiles({ root })).toThrow(StaticRootError);
    expect(() => createStaticFiles({ root })).toThrow(/run "stowage collect" first/);
    try {
      createStaticFiles({ root });
    } catch (error) {
      expect((error as StaticRootError).code).toBe("E_STATIC_ROOT");
    }
  });

  it("refuses a prefix that does not start and end with a slash", () => {
    expect(() => createStaticFiles({ root: fixture.root, prefix: "static" })).toThrow(
      expect.objectContaining({ code: "E_CONFIG" }),
    );
  });

  it("does not follow a symlink loop in the root", () => {
    symlinkSync(fixture.root, path.join(fixture.root, "loop"));
    const files = createStaticFiles({ root: fixture.root });
    expect((files.respond(get("/static/js/app.js")) as ServeResponse).status).toBe(200);
    expect(files.respond(get("/static/loop/js/app.js"))).toBeNull();
  });
});
