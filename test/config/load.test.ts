import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { makeProject } from "../helpers/project.js";

let project: Awaited<ReturnType<typeof makeProject>> | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

describe("loadConfig", () => {
  it("finds stowage.config.ts by walking up and resolves paths from its folder", async () => {
    project = await makeProject({
      "stowage.config.ts": `
        import type { StowageConfig } from "${path.resolve("src/config/types.ts")}";
        const config: StowageConfig = { static: { root: "out", dirs: ["assets"] } };
        export default config;`,
      "assets/a.css": "a{}",
      "deep/er/x.txt": "",
    });
    const config = await loadConfig({ cwd: project.path("deep", "er"), env: {} });
    expect(config.file).toBe(project.path("stowage.config.ts"));
    expect(config.static.root).toBe(project.path("out"));
    expect(config.static.sources[0].dir).toBe(project.path("assets"));
  });

  it("prefers .ts over .mjs, .js and .json in the same folder", async () => {
    project = await makeProject({
      "stowage.config.json": JSON.stringify({ static: { url: "/json/" } }),
      "stowage.config.mjs": `export default { static: { url: "/mjs/" } };`,
    });
    const config = await loadConfig({ cwd: project.dir, env: {} });
    expect(config.static.url).toBe("/mjs/");
  });

  it("reads a JSON config", async () => {
    project = await makeProject({
      "stowage.config.json": JSON.stringify({ static: { url: "/assets/" } }),
    });
    expect((await loadConfig({ cwd: project.dir, env: {} })).static.url).toBe("/assets/");
  });

  it("uses --config over the search", async () => {
    project = await makeProject({
      "stowage.config.json": JSON.stringify({ static: { url: "/found/" } }),
      "other/custom.mjs": `export default { static: { url: "/explicit/" } };`,
    });
    const config = await loadConfig({ cwd: project.dir, file: "other/custom.mjs", env: {} });
    expect(config.static.url).toBe("/explicit/");
    expect(config.baseDir).toBe(project.path("other"));
  });

  it("applies env overrides on top of the file", async () => {
    project = await makeProject({
      "stowage.config.json": JSON.stringify({ media: { url: "/m/" } }),
    });
    const config = await loadConfig({
      cwd: project.dir,
      env: { STOWAGE_MEDIA_STORAGE: "memory://" },
    });
    expect(config.media.storage).toBe("memory://");
    expect(config.media.url).toBe("/m/");
  });

  it("says which file is broken when it is not valid JSON", async () => {
    project = await makeProject({ "stowage.config.json": "{ nope" });
    await expect(loadConfig({ cwd: project.dir, env: {} })).rejects.toThrow(
      /stowage\.config\.json: not valid JSON/,
    );
  });

  it("says the explicit file is missing", async () => {
    project = await makeProject();
    await expect(loadConfig({ cwd: project.dir, file: "nope.mjs", env: {} })).rejects.toThrow(
      /Config file .*nope\.mjs does not exist/,
    );
  });

  it("refuses a config module without a default export", async () => {
    project = await makeProject({ "stowage.config.mjs": "export const x = 1;" });
    await expect(loadConfig({ cwd: project.dir, env: {} })).rejects.toThrow(/no default export/);
  });
});
