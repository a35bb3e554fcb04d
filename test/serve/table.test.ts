import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ServeRequest } from "../../src/serve/core.js";
import { createStaticFiles } from "../../src/serve/files.js";
import { StaticRootError } from "../../src/serve/table.js";
import { BIG_SIZE, HASHED_CSS, makeFixture } from "./support/fixture.js";

const fixture = makeFixture();
afterAll(() => fixture.cleanup());

const get = (target: string, extra: Partial<ServeRequest> = {}): ServeRequest => ({
  method: "GET",
  target,
  ...extra,
});

describe("the production file table", () => {
  it("holds small files in memory and streams the rest", () => {
    const files = createStaticFiles({ root: fixture.root, maxMemoryFileSize: 4096 });
    expect(Buffer.isBuffer(files.respond(get("/static/js/app.js"))!.body)).toBe(true);
    expect(files.respond(get("/static/big.bin"))!.body).toEqual({
      file: expect.stringMatching(/big\.bin$/),
      start: 0,
      end: BIG_SIZE - 1,
    });
  });

  it("streams everything once the memory budget is spent", () => {
    const files = createStaticFiles({ root: fixture.root, memoryBudget: 0 });
    expect(Buffer.isBuffer(files.respond(get("/static/js/app.js"))!.body)).toBe(false);
  });

  it("fills the budget with the smallest files first", () => {
    // Room for the js file but not for the larger css identity variant.
    const files = createStaticFiles({ root: fixture.root, memoryBudget: fixture.js.length + 100 });
    expect(Buffer.isBuffer(files.respond(get("/static/js/app.js"))!.body)).toBe(true);
    expect(Buffer.isBuffer(files.respond(get(`/static/${HASHED_CSS}`))!.body)).toBe(false);
  });

  it("leaves out links to allowed-looking places unless they are configured link targets", () => {
    const files = createStaticFiles({ root: fixture.root });
    expect(files.respond(get("/static/linked.css"))).toBeNull();
    const allowed = createStaticFiles({ root: fixture.root, linkTargets: [fixture.source] });
    expect(allowed.respond(get("/static/linked.css"))!.status).toBe(200);
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
    const zstd = files.respond(get("/static/a.js", { acceptEncoding: "gzip, zstd" }))!;
    expect(zstd.headers["Content-Encoding"]).toBe("zstd");
    expect(zstd.headers["Content-Length"]).toBe("40");
    const gzip = files.respond(get("/static/a.js", { acceptEncoding: "gzip, zstd;q=0" }))!;
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
    expect(files.respond(get("/static/js/app.js"))!.status).toBe(200);
    expect(files.respond(get("/static/loop/js/app.js"))).toBeNull();
  });
});
