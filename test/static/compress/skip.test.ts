import { describe, expect, it } from "vitest";
import {
  extensionOf,
  isWorthKeeping,
  MIN_COMPRESS_SIZE,
  shouldCompress,
} from "../../../src/static/compress/skip.js";

const BIG = 10_000;

describe("shouldCompress", () => {
  const cases: [path: string, size: number, expected: boolean][] = [
    ["css/site.css", BIG, true],
    ["js/app.9f86d081884c.js", BIG, true],
    ["img/logo.svg", BIG, true],
    ["fonts/icons.ttf", BIG, true],
    ["fonts/icons.eot", BIG, true],
    ["js/app.js.map", BIG, true],
    ["data/index.json", BIG, true],
    ["wasm/lib.wasm", BIG, true],
    ["favicon.ico", BIG, true],
    ["README", BIG, true],
    ["img/photo.jpg", BIG, false],
    ["img/PHOTO.JPEG", BIG, false],
    ["img/a.png", BIG, false],
    ["img/a.gif", BIG, false],
    ["img/a.webp", BIG, false],
    ["img/a.avif", BIG, false],
    ["img/a.svgz", BIG, false],
    ["fonts/a.woff", BIG, false],
    ["fonts/a.3c9a1d2e4b5f.woff2", BIG, false],
    ["dl/a.zip", BIG, false],
    ["dl/a.tar.gz", BIG, false],
    ["css/site.css.br", BIG, false],
    ["css/site.css.zst", BIG, false],
    ["media/clip.mp4", BIG, false],
    ["media/clip.webm", BIG, false],
    ["media/song.mp3", BIG, false],
    ["docs/report.docx", BIG, false],
    ["css/tiny.css", MIN_COMPRESS_SIZE - 1, false],
    ["css/small.css", MIN_COMPRESS_SIZE, true],
    ["css/empty.css", 0, false],
  ];
  it.each(cases)("%s of %i bytes -> %s", (path, size, expected) => {
    expect(shouldCompress(path, size)).toBe(expected);
  });

  it("keeps the 168-byte icon that WhiteNoise compresses (parity with the benchmark peer)", () => {
    expect(shouldCompress("bootstrap-icons/circle-fill.svg", 168)).toBe(true);
  });
});

describe("extensionOf", () => {
  const cases: [string, string][] = [
    ["a.css", "css"],
    ["dir.v2/a", ""],
    ["dir/.htaccess", ""],
    ["a.tar.GZ", "gz"],
    ["a.", ""],
    ["noext", ""],
  ];
  it.each(cases)("%s -> %j", (path, expected) => {
    expect(extensionOf(path)).toBe(expected);
  });
});

describe("isWorthKeeping (the 95% rule)", () => {
  const cases: [original: number, compressed: number, expected: boolean][] = [
    [100, 95, true],
    [100, 96, false],
    [1000, 950, true],
    [1000, 951, false],
    [20, 19, true],
    [19, 18, true],
    [19, 19, false],
    [1000, 1200, false],
  ];
  it.each(cases)("%i -> %i bytes: keep = %s", (original, compressed, expected) => {
    expect(isWorthKeeping(original, compressed)).toBe(expected);
  });
});
