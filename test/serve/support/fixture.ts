/** A collected static root on disk for the serve tests, with a secret planted beside it. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { createStaticFiles, type StaticFiles } from "../../../src/serve/files.js";

export const HASHED_CSS = "css/app.0123456789ab.css";
export const SECRET = "TOP-SECRET-7f3a9c-never-send-me";
/** Bytes of `big.bin`: over the test's memory limit, so it is streamed. */
export const BIG_SIZE = 10_000;
/** The memory limit the tests use, so that `big.bin` is streamed from disk. */
export const TEST_MAX_MEMORY_FILE = 4096;

export interface Fixture {
  /** Temp folder holding everything. */
  base: string;
  root: string;
  /** A static source folder (an allowed link target). */
  source: string;
  css: Buffer;
  cssBr: Buffer;
  cssGz: Buffer;
  js: Buffer;
  big: Buffer;
  cleanup(): void;
}

function write(file: string, content: string | Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

export function makeFixture(): Fixture {
  const base = mkdtempSync(path.join(tmpdir(), "stowage-serve-"));
  const root = path.join(base, "staticfiles");
  const source = path.join(base, "static");
  const css = Buffer.from(
    Array.from(
      { length: 120 },
      (_, i) => `.rule-${i} { color: #${(i * 4099).toString(16).padStart(6, "0").slice(0, 6)}; }\n`,
    ).join(""),
  );
  const cssBr = brotliCompressSync(css);
  const cssGz = gzipSync(css);
  const js = Buffer.from('export const answer = 42;\nconsole.log("stowage");\n');
  const big = Buffer.alloc(BIG_SIZE);
  for (let i = 0; i < BIG_SIZE; i++) big[i] = (i * 31 + 7) % 251;

  write(path.join(root, HASHED_CSS), css);
  write(path.join(root, `${HASHED_CSS}.br`), cssBr);
  write(path.join(root, `${HASHED_CSS}.gz`), cssGz);
  write(path.join(root, "css/app.css"), css);
  write(path.join(root, "js/app.js"), js);
  write(path.join(root, "big.bin"), big);
  write(path.join(root, "empty.txt"), "");
  write(path.join(root, "sp ace.txt"), "space\n");
  write(path.join(root, "é.txt"), "accent\n");
  write(path.join(root, "data.tar.gz"), gzipSync(Buffer.from("an archive users download\n")));
  write(path.join(root, ".env"), `${SECRET}\n`);
  write(path.join(root, ".git/config"), `${SECRET}\n`);
  write(
    path.join(root, "staticfiles.json"),
    JSON.stringify({ paths: { "css/app.css": HASHED_CSS }, version: "1.1", hash: "x" }),
  );
  // The secret next to the root: nothing may ever send a byte of it.
  write(path.join(base, "secret.txt"), `${SECRET}\n`);
  write(path.join(base, "package.json"), `{"secret": "${SECRET}"}\n`);
  write(path.join(source, "linked.css"), "body { margin: 0; }\n");
  symlinkSync(path.join(base, "secret.txt"), path.join(root, "escape.txt"));
  symlinkSync(base, path.join(root, "escape-dir"));
  symlinkSync(path.join(source, "linked.css"), path.join(root, "linked.css"));

  // A fixed mtime makes ETag and Last-Modified predictable across adapters.
  const when = new Date("2024-05-01T12:00:00Z");
  for (const file of [
    HASHED_CSS,
    `${HASHED_CSS}.br`,
    `${HASHED_CSS}.gz`,
    "css/app.css",
    "js/app.js",
    "big.bin",
  ]) {
    utimesSync(path.join(root, file), when, when);
  }
  return {
    base,
    root,
    source,
    css,
    cssBr,
    cssGz,
    js,
    big,
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** The production file table every adapter test serves: the fixture's root, links into its source allowed. */
export function fixtureFiles(fixture: Fixture): StaticFiles {
  return createStaticFiles({
    root: fixture.root,
    linkTargets: [fixture.source],
    maxMemoryFileSize: TEST_MAX_MEMORY_FILE,
  });
}
