import { afterEach, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/resolve.js";
import { createFinder, createIgnoreMatcher, safeSegments } from "../../src/static/finders.js";
import { makeProject } from "../helpers/project.js";

let project: Awaited<ReturnType<typeof makeProject>> | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

function finderFor(dir: string, staticConfig: Record<string, unknown>) {
  return createFinder(resolveConfig({ static: staticConfig }, dir).static);
}

describe("Finder", () => {
  it("lets the first source win and reports every shadowed duplicate", async () => {
    project = await makeProject({
      "static/css/site.css": "first",
      "vendor/static/css/site.css": "third",
      "more/css/site.css": "second",
      "vendor/static/js/app.js": "only",
    });
    const finder = finderFor(project.dir, { dirs: ["static", "more"], apps: ["vendor"] });
    const { files, duplicates } = await finder.list();
    expect(files.get("css/site.css")?.absolute).toBe(project.path("static/css/site.css"));
    expect(files.get("js/app.js")?.source.origin).toBe("apps[0]");
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0].shadowed.map((f) => f.source.origin)).toEqual(["dirs[1]", "apps[0]"]);
    expect(finder.findAll("css/site.css").map((f) => f.source.origin)).toEqual([
      "dirs[0]",
      "dirs[1]",
      "apps[0]",
    ]);
  });

  it("mounts a { prefix, dir } source below its prefix", async () => {
    project = await makeProject({ "lib/jquery.js": "j" });
    const finder = finderFor(project.dir, { dirs: [{ prefix: "vendor/js", dir: "lib" }] });
    const { files } = await finder.list();
    expect([...files.keys()]).toEqual(["vendor/js/jquery.js"]);
    expect(finder.find("vendor/js/jquery.js")?.absolute).toBe(project.path("lib/jquery.js"));
    expect(finder.find("jquery.js")).toBeNull();
  });

  it("ignores .*, *~ and CVS by default, and user patterns on basename or path", async () => {
    project = await makeProject({
      "static/.hidden": "x",
      "static/.git/config": "x",
      "static/a.css~": "x",
      "static/CVS/Entries": "x",
      "static/scss/site.scss": "x",
      "static/keep/site.css": "x",
      "static/docs/readme.md": "x",
    });
    const finder = finderFor(project.dir, { ignore: ["*.scss", "docs/*"] });
    const { files } = await finder.list();
    expect([...files.keys()]).toEqual(["keep/site.css"]);
    expect(finder.find(".hidden")).toBeNull();
    expect(finder.find("scss/site.scss")).toBeNull();
  });

  it("keeps dotfiles when the default patterns are turned off", async () => {
    project = await makeProject({ "static/.well-known/x.txt": "x" });
    const config = resolveConfig({}, project.dir).static;
    const finder = createFinder({ ...config, defaultIgnore: false });
    expect([...(await finder.list()).files.keys()]).toEqual([".well-known/x.txt"]);
  });

  it("follows symlinked files and folders, as Debian's Django admin needs", async () => {
    project = await makeProject({
      "shared/jquery.js": "j",
      "static/js/jquery.js": { symlink: "../../shared/jquery.js" },
      "static/linked": { symlink: "../shared" },
    });
    const { files } = await finderFor(project.dir, {}).list();
    expect([...files.keys()].sort()).toEqual(["js/jquery.js", "linked/jquery.js"]);
  });

  it("fails with the source's config key when a folder is missing", async () => {
    project = await makeProject();
    await expect(finderFor(project.dir, { dirs: ["nope"] }).list()).rejects.toMatchObject({
      code: "E_SOURCE_DIR",
      message: expect.stringContaining("static.dirs[0]: the folder"),
    });
  });

  it("never finds a path that climbs out of a source", async () => {
    project = await makeProject({ "static/a.css": "a", "secret.txt": "s" });
    const finder = finderFor(project.dir, {});
    for (const attempt of [
      "../secret.txt",
      "a/../../secret.txt",
      "..\\secret.txt",
      "a.css\0",
      "/../secret.txt",
    ]) {
      expect(finder.find(attempt)).toBeNull();
    }
  });
});

describe("safeSegments", () => {
  it.each([
    ["css/a.css", ["css", "a.css"]],
    ["./css//a.css", ["css", "a.css"]],
    ["../a", null],
    ["a/../b", null],
    ["a\\b", null],
    ["a\0b", null],
  ])("%j -> %j", (input, expected) => {
    expect(safeSegments(input)).toEqual(expected);
  });
});

describe("createIgnoreMatcher", () => {
  it.each([
    [".env", true],
    ["css/.DS_Store", true],
    ["a.css~", true],
    ["CVS", true],
    ["css/site.css", false],
  ])("%s ignored: %s", (name, ignored) => {
    expect(createIgnoreMatcher([])(name)).toBe(ignored);
  });
});

describe("Finder symlink loops", () => {
  it("stops with a clear error on a folder linked to its ancestor", async () => {
    project = await makeProject({ "static/a/b.css": "b", "static/a/loop": { symlink: ".." } });
    await expect(finderFor(project.dir, {}).list()).rejects.toMatchObject({
      code: "E_SOURCE_DIR",
      message: expect.stringContaining("loops back"),
    });
  });
});
