import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/resolve.js";
import { ConfigError } from "../../src/errors.js";

const base = "/srv/app";

describe("resolveConfig", () => {
  it("fills Django-like defaults relative to the config folder", () => {
    const config = resolveConfig({}, base);
    expect(config.static.url).toBe("/static/");
    expect(config.static.root).toBe(path.join(base, "staticfiles"));
    expect(config.static.hash).toBe(true);
    expect(config.static.compress).toEqual(["br", "gzip"]);
    expect(config.media.url).toBe("/media/");
    expect(config.media.storage).toEqual({ driver: "fs", root: path.join(base, "media") });
  });

  it("orders sources: dirs first, then each app's static folder", () => {
    const config = resolveConfig(
      { static: { dirs: ["assets", { prefix: "vendor", dir: "lib" }], apps: ["blog"] } },
      base,
    );
    expect(config.static.sources).toEqual([
      { prefix: "", dir: path.join(base, "assets"), origin: "dirs[0]" },
      { prefix: "vendor", dir: path.join(base, "lib"), origin: "dirs[1]" },
      { prefix: "", dir: path.join(base, "blog", "static"), origin: "apps[0]" },
    ]);
  });

  it("resolves a relative fs storage root from the config folder", () => {
    const config = resolveConfig({ media: { storage: { driver: "fs", root: "uploads" } } }, base);
    expect(config.media.storage).toEqual({ driver: "fs", root: path.join(base, "uploads") });
  });

  it("lets env vars switch storages, URLs and the secret", () => {
    const config = resolveConfig({ static: { url: "/s/" } }, base, {
      env: {
        STOWAGE_MEDIA_STORAGE: "s3://bucket/media?region=eu-west-1",
        STOWAGE_STATIC_URL: "https://cdn.example.com/static/",
        STOWAGE_SECRET: "shh",
      },
    });
    expect(config.media.storage).toBe("s3://bucket/media?region=eu-west-1");
    expect(config.static.url).toBe("https://cdn.example.com/static/");
    expect(config.secret).toBe("shh");
  });

  it("accepts compress: false as no compression", () => {
    expect(resolveConfig({ static: { compress: false } }, base).static.compress).toEqual([]);
  });

  const bad: [string, unknown, string][] = [
    [
      "static.url without a trailing slash",
      { static: { url: "/static" } },
      'Config key "static.url" must be a URL prefix ending in "/"; found the string "/static".',
    ],
    [
      "a prefix ending in /",
      { static: { dirs: [{ prefix: "vendor/", dir: "lib" }] } },
      'Config key "static.dirs[0].prefix" must be a prefix without a trailing "/"; found the string "vendor/".',
    ],
    [
      "a prefix with ..",
      { static: { dirs: [{ prefix: "../x", dir: "lib" }] } },
      'Config key "static.dirs[0].prefix" must be a relative path of plain folder names; found the string "../x".',
    ],
    [
      "dirs not a list",
      { static: { dirs: "static" } },
      'Config key "static.dirs" must be an array of folders; found the string "static".',
    ],
    [
      "a number as a dir",
      { static: { dirs: [3] } },
      'Config key "static.dirs[0]" must be a folder path or { prefix, dir }; found number 3.',
    ],
    [
      "an unknown compression",
      { static: { compress: ["lzma"] } },
      'Config key "static.compress[0]" must be one of "br", "gzip", "zstd"; found the string "lzma".',
    ],
    [
      "hash as a string",
      { static: { hash: "yes" } },
      'Config key "static.hash" must be true or false; found the string "yes".',
    ],
    [
      "a storage without a driver",
      { media: { storage: { root: "x" } } },
      'Config key "media.storage" must be a storage URL or an object with a "driver" string; found an object.',
    ],
    [
      "a storage path instead of a URL",
      { media: { storage: "media" } },
      'Config key "media.storage" must be a storage URL such as "s3://bucket/prefix" or "file:///var/media"; found the string "media".',
    ],
    ["a misspelt key", { static: { dir: ["x"] } }, 'Unknown config key "static.dir".'],
    [
      "a negative pixel limit",
      { images: { maxInputPixels: -1 } },
      'Config key "images.maxInputPixels" must be a positive whole number; found -1.',
    ],
    [
      "a fractional side limit",
      { images: { maxInputSide: 100.5 } },
      'Config key "images.maxInputSide" must be a positive whole number; found 100.5.',
    ],
    [
      "an aspect ratio below 1",
      { images: { maxAspectRatio: 0.5 } },
      'Config key "images.maxAspectRatio" must be a number of at least 1; found 0.5.',
    ],
    [
      "an unknown key under images",
      { images: { maxInputPixel: 1000 } },
      'Unknown config key "images.maxInputPixel". Did you mean "images.maxInputPixels"? Known keys: images.variants, images.maxInputPixels, images.maxInputSide, images.maxAspectRatio.',
    ],
  ];

  it.each(bad)("refuses %s, naming the key, the expectation and the value", (_, input, message) => {
    let caught: unknown;
    try {
      resolveConfig(input, base);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).code).toBe("E_CONFIG");
    expect((caught as Error).message).toContain(message);
  });
});
