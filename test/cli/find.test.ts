import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { originalOfHashed, staticPathOf } from "../../src/cli/find-target.js";
import { makeProject, runCli } from "../helpers/project.js";

let project: Awaited<ReturnType<typeof makeProject>> | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

async function siteProject(config: object = {}) {
  return makeProject({
    "stowage.config.json": JSON.stringify({ static: { dirs: ["assets"], ...config } }),
    "assets/css/site.css": "body { color: red }\n",
    "assets/img/my logo.svg": "<svg/>",
  });
}

describe("stowage find", () => {
  it("accepts a /static/ URL as well as a path relative to static.url", async () => {
    project = await siteProject();
    const byUrl = await runCli(["find", "/static/css/site.css"], project.dir);
    expect(byUrl.code).toBe(0);
    expect(byUrl.stdout.trim()).toBe(project.path("assets/css/site.css"));
    const byPath = await runCli(["find", "css/site.css"], project.dir);
    expect(byPath.stdout).toBe(byUrl.stdout);
  });

  it("strips a CDN static.url's path, the query and the fragment, and decodes the URL", async () => {
    project = await siteProject({ url: "https://cdn.example.com/assets/v2/" });
    const full = await runCli(
      ["find", "https://cdn.example.com/assets/v2/img/my%20logo.svg?x=1#top"],
      project.dir,
    );
    expect(full.code).toBe(0);
    expect(full.stdout.trim()).toBe(project.path("assets/img/my logo.svg"));
    const pathOnly = await runCli(["find", "/assets/v2/css/site.css?v=3"], project.dir);
    expect(pathOnly.stdout.trim()).toBe(project.path("assets/css/site.css"));
  });

  it("finds the source of a hashed name through the manifest", async () => {
    project = await siteProject();
    expect((await runCli(["collect", "--no-compress"], project.dir)).code).toBe(0);
    const manifest = JSON.parse(
      await readFile(project.path("staticfiles/staticfiles.json"), "utf8"),
    ) as { paths: Record<string, string> };
    const hashed = manifest.paths["css/site.css"];
    expect(hashed).toMatch(/^css\/site\.[0-9a-f]{12}\.css$/);
    const result = await runCli(["find", `/static/${hashed}`], project.dir);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(project.path("assets/css/site.css"));
    expect(result.stderr).toBe(`${hashed} is the hashed copy of css/site.css.\n`);
    const json = JSON.parse((await runCli(["find", hashed, "--json"], project.dir)).stdout);
    expect(json).toMatchObject({ path: "css/site.css", requested: hashed, hashed });
  });

  it("still says which path is missing when neither sources nor manifest have it", async () => {
    project = await siteProject();
    const result = await runCli(["find", "/static/css/gone.css"], project.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('No source has "css/gone.css".\n');
  });
});

describe("staticPathOf", () => {
  it.each([
    ["css/a.css", "/static/", "css/a.css"],
    ["/static/css/a.css", "/static/", "css/a.css"],
    ["/static/a%20b.css?v=1#x", "/static/", "a b.css"],
    ["/css/a.css", "/static/", "/css/a.css"],
    ["https://cdn.example.com/static/a.css", "https://cdn.example.com/static/", "a.css"],
    ["/static/bad%zz.css", "/static/", "bad%zz.css"],
    ["/a.css", "/", "a.css"],
  ])("%s under %s -> %s", (input, url, expected) => {
    expect(staticPathOf(input, url)).toBe(expected);
  });
});

describe("originalOfHashed", () => {
  const manifest = {
    version: "1.1",
    hash: "x",
    paths: { "a.css": "a.0123456789ab.css", "dist/x-1a2b.js": "dist/x-1a2b.js" },
  };
  it("maps a hashed copy to its original, and nothing else", () => {
    expect(originalOfHashed("a.0123456789ab.css", manifest)).toBe("a.css");
    expect(originalOfHashed("dist/x-1a2b.js", manifest)).toBeUndefined();
    expect(originalOfHashed("a.css", manifest)).toBeUndefined();
    expect(originalOfHashed("a.0123456789ab.css", null)).toBeUndefined();
  });
});
