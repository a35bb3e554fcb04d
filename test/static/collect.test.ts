import { randomBytes } from "node:crypto";
import { unlinkSync } from "node:fs";
import { lstat, readdir, readFile, readlink, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/resolve.js";
import { collect } from "../../src/static/collect/index.js";
import { readManifestSync } from "../../src/static/manifest.js";
import { makeProject } from "../helpers/project.js";

let project: Awaited<ReturnType<typeof makeProject>>;
afterEach(async () => {
  await project?.remove();
});

const css = "body { background: url(../img/logo.png); color: #123456; }\n".repeat(20);
const leaf = `export const leaf = "${"leaf ".repeat(50)}";\n`;

async function site(extra: Record<string, string | Uint8Array> = {}) {
  project = await makeProject({
    "static/css/site.css": css,
    "static/img/logo.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
    "static/js/top.js": `import { mid } from "./mid.js";\nexport const top = mid;\n`,
    "static/js/mid.js": `import { leaf } from "./leaf.js";\nexport const mid = leaf;\n`,
    "static/js/leaf.js": leaf,
    ...extra,
  });
  return resolveConfig({}, project.dir).static;
}

async function listTree(dir: string, base = ""): Promise<string[]> {
  const out: string[] = [];
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const name = base ? `${base}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listTree(path.join(dir, entry.name), name)));
    else out.push(name);
  }
  return out.sort();
}

describe("collect", () => {
  it("writes originals, hashed copies, variants and a Django manifest with integrity", async () => {
    const config = await site();
    const summary = await collect({ static: config, workers: 1 });
    const manifest = readManifestSync(config.root)!;
    expect(manifest.version).toBe("1.1");
    expect(Object.keys(manifest.paths).sort()).toEqual([
      "css/site.css",
      "img/logo.png",
      "js/leaf.js",
      "js/mid.js",
      "js/top.js",
    ]);
    const hashedCss = manifest.paths["css/site.css"];
    expect(hashedCss).toMatch(/^css\/site\.[0-9a-f]{12}\.css$/);
    const written = await readFile(path.join(config.root, hashedCss), "utf8");
    expect(written).toContain(
      `url(../${manifest.paths["img/logo.png"].replace(/^img\//, "img/")})`,
    );
    expect(await readFile(path.join(config.root, "css/site.css"), "utf8")).toBe(css);
    expect(manifest.integrity?.[hashedCss]).toMatch(/^sha384-[A-Za-z0-9+/]+=*$/);
    const br = await readFile(path.join(config.root, `${hashedCss}.br`));
    expect(brotliDecompressSync(br).toString()).toBe(written);
    const gz = await readFile(path.join(config.root, "css/site.css.gz"));
    expect(gunzipSync(gz).toString()).toBe(css);
    // PNG is already compressed: no variants for it.
    const tree = await listTree(config.root);
    expect(tree.filter((f) => f.startsWith("img/") && /\.(br|gz)$/.test(f))).toEqual([]);
    expect(summary).toMatchObject({ files: 5, collected: 5, unchanged: 0, hashed: 5 });
    expect(summary.compressed.br).toBeGreaterThan(0);
  });

  it("re-does nothing when nothing changed", async () => {
    const config = await site();
    await collect({ static: config, workers: 1 });
    const manifestFile = path.join(config.root, "staticfiles.json");
    const before = (await stat(manifestFile)).mtimeMs;
    const again = await collect({ static: config, workers: 1 });
    expect(again).toMatchObject({
      collected: 0,
      unchanged: 5,
      hashed: 0,
      bytes: 0,
      compressed: {},
    });
    expect((await stat(manifestFile)).mtimeMs).toBe(before);
  });

  it("renames a whole import chain when its leaf changes, and keeps old copies", async () => {
    const config = await site();
    await collect({ static: config, workers: 1 });
    const first = readManifestSync(config.root)!.paths;
    await writeFile(project.path("static/js/leaf.js"), `${leaf}// changed\n`);
    const summary = await collect({ static: config, workers: 1 });
    const second = readManifestSync(config.root)!.paths;
    for (const name of ["js/leaf.js", "js/mid.js", "js/top.js"]) {
      expect(second[name]).not.toBe(first[name]);
      await stat(path.join(config.root, first[name]));
    }
    expect(second["css/site.css"]).toBe(first["css/site.css"]);
    expect(summary).toMatchObject({ collected: 1, unchanged: 4, hashed: 3 });
  });

  it("fails on a missing reference with file:line and leaves the last manifest and files as they were", async () => {
    const config = await site();
    await collect({ static: config, workers: 1 });
    const manifestBefore = await readFile(path.join(config.root, "staticfiles.json"), "utf8");
    const treeBefore = await listTree(config.root);
    await writeFile(
      project.path("static/css/site.css"),
      `a{}\n\nb { background: url(gone.png) }\n`,
    );
    await expect(collect({ static: config, workers: 1 })).rejects.toMatchObject({
      code: "E_MISSING_REFERENCE",
      message: expect.stringMatching(/^css\/site\.css:3: .*could not be found/),
    });
    expect(await readFile(path.join(config.root, "staticfiles.json"), "utf8")).toBe(manifestBefore);
    expect(await listTree(config.root)).toEqual(treeBefore);
  });

  it("writes nothing in a dry run but lists what it would write", async () => {
    const config = await site();
    const summary = await collect({ static: config, dryRun: true, workers: 1 });
    expect(summary.written).toContain("css/site.css");
    expect(summary.written.some((name) => /^css\/site\.[0-9a-f]{12}\.css$/.test(name))).toBe(true);
    expect(await listTree(config.root)).toEqual([]);
  });

  it("clears stale files with clear", async () => {
    const config = await site();
    await collect({ static: config, workers: 1 });
    await writeFile(path.join(config.root, "stale.txt"), "old");
    await collect({ static: config, clear: true, workers: 1 });
    await expect(stat(path.join(config.root, "stale.txt"))).rejects.toThrow();
    expect(readManifestSync(config.root)).not.toBeNull();
  });

  it("links originals to their sources with link", async () => {
    const config = await site();
    await collect({ static: config, link: true, workers: 1 });
    const original = path.join(config.root, "css/site.css");
    expect((await lstat(original)).isSymbolicLink()).toBe(true);
    expect(await readlink(original)).toBe(project.path("static/css/site.css"));
  });

  it("writes no manifest and no hashed copies without hashing, and no variants without compression", async () => {
    const config = await site();
    await collect({ static: { ...config, hash: false, compress: [] }, workers: 1 });
    expect(readManifestSync(config.root)).toBeNull();
    const tree = (await listTree(config.root)).filter((f) => !f.startsWith("."));
    expect(tree).toEqual(["css/site.css", "img/logo.png", "js/leaf.js", "js/mid.js", "js/top.js"]);
  });

  it("drops a variant that no longer pays off when the content changes", async () => {
    const config = await site({ "static/data.txt": "a".repeat(5000) });
    await collect({ static: config, workers: 1 });
    await stat(path.join(config.root, "data.txt.gz"));
    const noise = randomBytes(5000);
    await writeFile(project.path("static/data.txt"), noise);
    await collect({ static: config, workers: 1 });
    await expect(stat(path.join(config.root, "data.txt.gz"))).rejects.toThrow();
  });

  it("refuses a root inside a source folder", async () => {
    project = await makeProject({ "static/a.css": "a{}" });
    const config = resolveConfig({ static: { root: "static/out" } }, project.dir).static;
    await expect(collect({ static: config })).rejects.toMatchObject({ code: "E_LAYOUT" });
  });

  it("fails clearly on a file it cannot read, writing nothing", async () => {
    const config = await site();
    await project.write({ "static/broken.css": { symlink: "does-not-exist.css" } });
    await expect(collect({ static: config, workers: 1 })).rejects.toMatchObject({
      code: "E_UNREADABLE",
      message: expect.stringContaining("broken.css"),
    });
    expect(await listTree(config.root)).toEqual([]);
  });

  it("fails clearly when a file vanishes during the collect", async () => {
    const config = await site();
    await expect(
      collect({
        static: config,
        workers: 1,
        onProgress: (phase, done) => {
          if (phase === "find" && done === 1) unlinkSync(project.path("static/js/leaf.js"));
        },
      }),
    ).rejects.toMatchObject({ code: "E_UNREADABLE", message: expect.stringContaining("vanished") });
    expect(await listTree(config.root)).toEqual([]);
  });

  it("refuses a file name that is not valid UTF-8", async () => {
    const config = await site();
    const dir = Buffer.from(project.path("static"));
    await writeFile(
      Buffer.concat([dir, Buffer.from([0x2f, 0x61, 0xff, 0x2e, 0x63, 0x73, 0x73])]),
      "x",
    );
    await expect(collect({ static: config, workers: 1 })).rejects.toMatchObject({
      code: "E_INVALID_FILE_NAME",
    });
    expect(await listTree(config.root)).toEqual([]);
  });

  it("keeps a Vite build's names, maps them to themselves, and copies its manifest", async () => {
    const config = await site({
      "static/dist/.vite/manifest.json": JSON.stringify({
        "src/main.ts": {
          file: "assets/main-4f1a2b3c.js",
          isEntry: true,
          css: ["assets/main-9d8e7f6a.css"],
          imports: ["_chunk-1a2b3c4d.js"],
        },
        "_chunk-1a2b3c4d.js": { file: "assets/chunk-1a2b3c4d.js" },
      }),
      "static/dist/assets/main-4f1a2b3c.js": `import "./chunk-1a2b3c4d.js";\nconsole.log(1);\n`,
      "static/dist/assets/chunk-1a2b3c4d.js": "export const x = 1;\n",
      "static/dist/assets/main-9d8e7f6a.css": "body { background: url(../../img/logo.png) }\n",
      "static/css/uses-vite.css": "@import url(../dist/assets/main-9d8e7f6a.css);\n",
    });
    await collect({ static: config, workers: 1 });
    const manifest = readManifestSync(config.root)!;
    expect(manifest.paths["dist/assets/main-4f1a2b3c.js"]).toBe("dist/assets/main-4f1a2b3c.js");
    expect(manifest.paths["dist/assets/main-9d8e7f6a.css"]).toBe("dist/assets/main-9d8e7f6a.css");
    expect(manifest.integrity?.["dist/assets/main-4f1a2b3c.js"]).toMatch(/^sha384-/);
    const main = await readFile(path.join(config.root, "dist/assets/main-4f1a2b3c.js"), "utf8");
    expect(main).toContain(`import "./chunk-1a2b3c4d.js"`);
    const usesVite = await readFile(
      path.join(config.root, manifest.paths["css/uses-vite.css"]),
      "utf8",
    );
    expect(usesVite).toContain("url(../dist/assets/main-9d8e7f6a.css)");
    const tree = await listTree(config.root);
    expect(tree).toContain("dist/.vite/manifest.json");
    expect(tree.filter((name) => /main-4f1a2b3c\.[0-9a-f]{12}\.js$/.test(name))).toEqual([]);
  });
});
