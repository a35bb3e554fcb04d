import { afterEach, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/resolve.js";
import { ConfigError } from "../../src/errors.js";
import { buildManifest, MANIFEST_NAME } from "../../src/static/manifest.js";
import {
  createStaticUrls,
  MissingManifestEntryError,
  staticUrlsFromConfig,
} from "../../src/static/url.js";
import { makeProject } from "../helpers/project.js";

let project: Awaited<ReturnType<typeof makeProject>> | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

const manifest = buildManifest(
  { "css/site.css": "css/site.0123456789ab.css", "img/a b.png": "img/a b.ba9876543210.png" },
  { "css/site.0123456789ab.css": "sha384-abc" },
);

describe("StaticUrls", () => {
  it("returns hashed URLs under static.url, keeping query and fragment", () => {
    const urls = createStaticUrls({ url: "/static/", root: "/nowhere", manifest });
    expect(urls.url("css/site.css")).toBe("/static/css/site.0123456789ab.css");
    expect(urls.url("/css/site.css?v=1#top")).toBe("/static/css/site.0123456789ab.css?v=1#top");
    expect(urls.url("img/a b.png")).toBe("/static/img/a%20b.ba9876543210.png");
    expect(urls.integrity("css/site.css")).toBe("sha384-abc");
  });

  it("works with a CDN static.url", () => {
    const urls = createStaticUrls({ url: "https://cdn.example.com/s/", root: "/x", manifest });
    expect(urls.url("css/site.css")).toBe("https://cdn.example.com/s/css/site.0123456789ab.css");
  });

  it("throws a typed error naming a path the manifest lacks, in strict mode", () => {
    const urls = createStaticUrls({ url: "/static/", root: "/x", manifest });
    expect(() => urls.url("css/missing.css")).toThrow(MissingManifestEntryError);
    expect(() => urls.url("css/missing.css")).toThrow(/"css\/missing\.css"/);
    try {
      urls.url("css/missing.css");
    } catch (error) {
      expect((error as MissingManifestEntryError).code).toBe("E_MISSING_MANIFEST_ENTRY");
    }
  });

  it("falls back to the plain URL when not strict, and always in dev mode", () => {
    expect(createStaticUrls({ url: "/s/", root: "/x", manifest, strict: false }).url("b.js")).toBe(
      "/s/b.js",
    );
    expect(createStaticUrls({ url: "/s/", root: "/x", dev: true }).url("css/site.css")).toBe(
      "/s/css/site.css",
    );
  });

  it("says to run collect when there is no manifest at all", async () => {
    project = await makeProject();
    const urls = createStaticUrls({ url: "/static/", root: project.dir });
    expect(() => urls.url("a.css")).toThrow(/stowage collect/);
  });

  it("builds Vite entry tags: CSS of the entry and its imports, the module, modulepreloads", async () => {
    project = await makeProject({
      "dist/.vite/manifest.json": JSON.stringify({
        "src/main.ts": {
          file: "assets/main-4f1a2b3c.js",
          src: "src/main.ts",
          isEntry: true,
          css: ["assets/main-9d8e7f6a.css"],
          imports: ["_shared-1a2b3c4d.js"],
        },
        "_shared-1a2b3c4d.js": {
          file: "assets/shared-1a2b3c4d.js",
          css: ["assets/shared-aa11bb22.css"],
        },
      }),
    });
    const urls = createStaticUrls({
      url: "/static/",
      root: project.dir,
      manifest: buildManifest({}, { "dist/assets/main-4f1a2b3c.js": "sha384-main" }),
    });
    expect(urls.viteTags("src/main.ts", { base: "dist" }).split("\n")).toEqual([
      '<link rel="stylesheet" href="/static/dist/assets/main-9d8e7f6a.css">',
      '<link rel="stylesheet" href="/static/dist/assets/shared-aa11bb22.css">',
      '<script type="module" src="/static/dist/assets/main-4f1a2b3c.js" integrity="sha384-main" crossorigin="anonymous"></script>',
      '<link rel="modulepreload" href="/static/dist/assets/shared-1a2b3c4d.js">',
    ]);
    expect(() => urls.viteTags("src/other.ts", { base: "dist" })).toThrow(
      MissingManifestEntryError,
    );
  });
});

describe("staticUrlsFromConfig", () => {
  async function configured() {
    project = await makeProject({
      [`collected/${MANIFEST_NAME}`]: JSON.stringify(manifest),
    });
    return resolveConfig(
      { static: { dirs: ["static"], root: "collected", url: "https://cdn.example.com/s/" } },
      project.dir,
    );
  }

  it("reads static.url and static.root from the config", async () => {
    const urls = staticUrlsFromConfig(await configured());
    expect(urls.url("css/site.css")).toBe("https://cdn.example.com/s/css/site.0123456789ab.css");
    expect(urls.integrity("css/site.css")).toBe("sha384-abc");
    expect(() => urls.url("css/missing.css")).toThrow(MissingManifestEntryError);
  });

  it("passes strict and dev on", async () => {
    const config = await configured();
    expect(staticUrlsFromConfig(config, { strict: false }).url("b.js")).toBe(
      "https://cdn.example.com/s/b.js",
    );
    expect(staticUrlsFromConfig(config, { dev: true }).url("css/site.css")).toBe(
      "https://cdn.example.com/s/css/site.css",
    );
  });

  it("refuses a misspelt option, and url or root, which come from the config", async () => {
    const config = await configured();
    expect(() => staticUrlsFromConfig(config, { strickt: false } as never)).toThrow(
      /Unknown option "strickt" for staticUrlsFromConfig\. Did you mean "strict"\?/,
    );
    expect(() => staticUrlsFromConfig(config, { url: "/x/" } as never)).toThrow(ConfigError);
    expect(() => createStaticUrls({ url: "/s/", root: "/x", devv: true } as never)).toThrow(
      /Unknown option "devv" for createStaticUrls\. Did you mean "dev"\?/,
    );
  });
});
