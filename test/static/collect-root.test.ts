import { existsSync } from "node:fs";
import { readFile, rm, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/resolve.js";
import { cacheDirOf, collect } from "../../src/static/collect/index.js";
import { makeProject } from "../helpers/project.js";
import { crashSite, inconsistentVariants, listFiles } from "./collect-crash-site.js";

const projects: Awaited<ReturnType<typeof makeProject>>[] = [];
afterEach(async () => {
  for (const project of projects.splice(0)) await project.remove();
});

const SPEED = { workers: 1, brotliQuality: 4 };

async function project(files: Record<string, string | Uint8Array>) {
  const made = await makeProject(files);
  projects.push(made);
  return { project: made, config: resolveConfig({}, made.dir).static };
}

const site = () =>
  Object.fromEntries(
    Object.entries(crashSite(1, 70)).map(([name, content]) => [`static/${name}`, content]),
  );

describe("what collect leaves in static.root", () => {
  it("is byte for byte the same for the same sources, wherever and whenever they were collected", async () => {
    const first = await project(site());
    const second = await project(site());
    // Other folders and other modification times: nothing of either may reach the output.
    const touched = new Date(Date.UTC(2031, 5, 1));
    for (const name of await listFiles(second.project.path("static"))) {
      await utimes(second.project.path("static", name), touched, touched);
    }
    await collect({ static: first.config, ...SPEED });
    await collect({ static: second.config, ...SPEED, workers: 2 });

    const names = await listFiles(first.config.root);
    expect(names.length).toBeGreaterThan(200);
    expect(await listFiles(second.config.root)).toEqual(names);
    for (const name of names) {
      const [a, b] = await Promise.all([
        readFile(path.join(first.config.root, name)),
        readFile(path.join(second.config.root, name)),
      ]);
      expect(a.equals(b), name).toBe(true);
      expect(a.includes(first.project.dir), name).toBe(false);
    }
  });

  it("keeps the incremental state beside the root, in .stowage-cache/<root name>/", async () => {
    const { project: made, config } = await project(site());
    await collect({ static: config, ...SPEED });
    expect(cacheDirOf(config.root)).toBe(made.path(".stowage-cache", "staticfiles"));
    const state = JSON.parse(
      await readFile(made.path(".stowage-cache/staticfiles/state.json"), "utf8"),
    );
    expect(Object.keys(state.outputs)).toContain("css/c0.css");
    expect((await listFiles(config.root)).filter((name) => name.startsWith("."))).toEqual([]);
    expect(await collect({ static: config, ...SPEED })).toMatchObject({ collected: 0, bytes: 0 });
  });

  it("removes the temp files of a crashed collect and the state file older versions kept in the root", async () => {
    const { project: made, config } = await project(site());
    await collect({ static: config, ...SPEED });
    const leftovers = ["css/.c1.css.0badcafe.tmp", ".staticfiles.json.12ab34cd.tmp"];
    for (const name of leftovers) await writeFile(path.join(config.root, name), "left over");
    expect(await collect({ static: config, ...SPEED })).toMatchObject({ collected: 0 });
    for (const name of leftovers)
      expect(existsSync(path.join(config.root, name)), name).toBe(false);

    // A root an older version collected: its state inside, none in the cache, an original half replaced.
    await rm(made.path(".stowage-cache"), { recursive: true });
    await writeFile(path.join(config.root, ".stowage-state.json"), "{}");
    await writeFile(path.join(config.root, "css/c1.css"), "half an old version");
    await collect({ static: config, ...SPEED });
    expect(existsSync(path.join(config.root, ".stowage-state.json"))).toBe(false);
    expect(await inconsistentVariants(config.root)).toEqual([]);
    expect(await readFile(path.join(config.root, "css/c1.css"))).toEqual(
      await readFile(made.path("static/css/c1.css")),
    );
  });

  it("rewrites an output that has a variant its record does not know, instead of calling it unchanged", async () => {
    const { config } = await project(site());
    await collect({ static: config, ...SPEED });
    // Variants beside a file that earns none (PNG), as something else could leave them.
    await writeFile(path.join(config.root, "img/p0.png.gz"), "stale");
    await writeFile(path.join(config.root, "img/p0.png.br"), "stale");
    const again = await collect({ static: config, ...SPEED });
    expect(again).toMatchObject({ collected: 1, unchanged: again.files - 1 });
    expect(existsSync(path.join(config.root, "img/p0.png.gz"))).toBe(false);
    expect(existsSync(path.join(config.root, "img/p0.png.br"))).toBe(false);
    expect(await inconsistentVariants(config.root)).toEqual([]);
  });

  it("writes the manifest again when it was deleted, even with nothing else changed", async () => {
    const { config } = await project(site());
    await collect({ static: config, ...SPEED });
    const manifest = await readFile(path.join(config.root, "staticfiles.json"), "utf8");
    await rm(path.join(config.root, "staticfiles.json"));
    await collect({ static: config, ...SPEED });
    expect(await readFile(path.join(config.root, "staticfiles.json"), "utf8")).toBe(manifest);
  });
});
