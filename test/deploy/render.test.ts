import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/resolve.js";
import {
  fsStorageRoot,
  nginxOptionsFromConfig,
  renderNginxServer,
} from "../../src/deploy/nginx.js";
import { createStoragesFromConfig } from "../../src/storage/create.js";
import { makeProject } from "../helpers/project.js";

const base = { staticUrl: "/static/", staticRoot: "/srv/site/staticfiles" };

describe("renderNginxServer", () => {
  it("serves static.url from static.root with precompressed variants", () => {
    const text = renderNginxServer(base);
    expect(text).toContain("location ^~ /static/ {");
    expect(text).toContain("alias /srv/site/staticfiles/;");
    expect(text).toContain("brotli_static on;");
    expect(text).toContain("gzip_static on;");
    expect(text).toContain('add_header Cache-Control "public, max-age=315360000, immutable";');
    expect(text).toContain("disable_symlinks on from=/srv/site/staticfiles/;");
  });

  it("trusts symlinks only when asked to", () => {
    expect(renderNginxServer({ ...base, followLinks: true })).toContain("disable_symlinks off;");
  });

  it("adds a media location only when given one", () => {
    expect(renderNginxServer(base)).not.toContain("/media/");
    const text = renderNginxServer({ ...base, media: { url: "/media/", root: "/srv/site/media" } });
    expect(text).toContain("location ^~ /media/ {");
    expect(text).toContain("alias /srv/site/media/;");
  });

  it("serves media with the media handler's policy: sandboxed downloads, no CORS", () => {
    const text = renderNginxServer({ ...base, media: { url: "/media/", root: "/srv/media" } });
    const media = text.slice(text.indexOf("location ^~ /media/"));
    expect(media).toContain(`add_header Content-Security-Policy "default-src 'none'; sandbox";`);
    expect(media).toContain(`add_header Content-Disposition "attachment";`);
    const active = /location ~\* "\\\.\(\?:([^)]*)\)\$"/.exec(media)![1]!.split("|");
    expect(active).toEqual(expect.arrayContaining(["html", "htm", "svg", "xml", "js", "mjs"]));
    expect(active).not.toContain("png");
    expect(media).not.toContain("Access-Control-Allow-Origin");
  });

  it("marks declared variants immutable only with variants declared", () => {
    const media = { url: "/media/", root: "/srv/media" };
    expect(renderNginxServer({ ...base, media })).not.toContain(
      'immutable";\n            # A variant',
    );
    const text = renderNginxServer({
      ...base,
      media: { ...media, variants: { thumb: { cover: [64, 64], format: "webp" } } },
    });
    expect(text).toMatch(/location ~ "\(\?:\\\.thumb-[0-9a-f]{8}\)/);
  });

  it("types files from the same table as the Node handlers", () => {
    const text = renderNginxServer(base);
    expect(text).toContain("        text/javascript js mjs;");
    expect(text).toMatch(/charset_types [^;]*application\/json/);
  });

  it("serves a CDN static.url and media.url under their paths", () => {
    const text = renderNginxServer({
      ...base,
      staticUrl: "https://cdn.example.com/static/",
      media: { url: "https://cdn.example.com/media/", root: "/srv/media" },
    });
    expect(text).toContain("location ^~ /static/ {");
    expect(text).toContain("location ^~ /media/ {");
  });

  it.each([
    [
      "a static.url without slashes",
      { staticUrl: "static" },
      /static\.url "static" must be a path/,
    ],
    [
      "a URL without a path ending in /",
      { staticUrl: "https://cdn.example.com/x" },
      /must be a path/,
    ],
    [
      "a root with a space",
      { staticRoot: "/srv/my site" },
      /static\.root .* characters nginx would misread/,
    ],
    ["a root with a semicolon", { staticRoot: "/srv/a;b" }, /characters nginx would misread/],
    ["a root with a brace", { staticRoot: "/srv/a}" }, /characters nginx would misread/],
    ["a listen with a quote", { listen: '80"' }, /listen .* characters/],
  ])("refuses %s with E_CONFIG", (_label, override, message) => {
    const run = () => renderNginxServer({ ...base, ...override });
    expect(run).toThrow(message);
    expect(run).toThrow(expect.objectContaining({ code: "E_CONFIG" }));
  });
});

describe("nginxOptionsFromConfig", () => {
  it("includes filesystem media and leaves out media in a bucket", () => {
    const local = resolveConfig(
      { media: { storage: { driver: "fs", root: "uploads" } } },
      "/srv/site",
    );
    expect(nginxOptionsFromConfig(local).media).toEqual({
      url: "/media/",
      root: "/srv/site/uploads",
      variants: {},
    });
    const s3 = resolveConfig({ media: { storage: "s3://bucket/prefix" } }, "/srv/site");
    expect(nginxOptionsFromConfig(s3).media).toBeUndefined();
  });

  it("reads file:// storage URLs", () => {
    expect(fsStorageRoot("file:///var/media%20files")).toBe("/var/media files");
    expect(fsStorageRoot("memory://")).toBeUndefined();
  });

  it("serves a relative file:// media storage from the folder the storage writes to", async () => {
    const project = await makeProject();
    try {
      const config = resolveConfig({ media: { storage: "file://./uploads" } }, project.dir);
      const saved = await createStoragesFromConfig(config).default.save("a.txt", "x");
      const root = nginxOptionsFromConfig(config).media?.root;
      expect(root).toBe(project.path("uploads"));
      expect(readFileSync(path.join(root!, saved), "utf8")).toBe("x");
    } finally {
      await project.remove();
    }
  });
});
