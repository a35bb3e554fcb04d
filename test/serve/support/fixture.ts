/**
 * A collected static root and a media storage (public and private, with an
 * image and its variants) on disk for the serve tests, with a secret
 * planted beside them.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { defineVariants, makeVariants, variantName } from "../../../src/images/index.js";
import { combineHandlers, type ServeHandler } from "../../../src/serve/core.js";
import { mediaOptionsFromConfig } from "../../../src/serve/media/config.js";
import { createMediaHandler } from "../../../src/serve/media/handler.js";
import { createStaticFiles, type StaticFiles } from "../../../src/serve/static/files.js";
import { createVariantHandler } from "../../../src/serve/variants/handler.js";
import { createStoragesFromConfig } from "../../../src/storage/index.js";
import type { Storage } from "../../../src/storage/types.js";
import { photoJpeg } from "../../images/fixtures.js";

export const HASHED_CSS = "css/app.0123456789ab.css";
export const SECRET = "TOP-SECRET-7f3a9c-never-send-me";
export const SIGNING_SECRET = "serve-fixture-signing-secret";
/** Bytes of `big.bin`: over the test's memory limit, so it is streamed. */
export const BIG_SIZE = 10_000;
/** The memory limit the tests use, so that `big.bin` is streamed from disk. */
export const TEST_MAX_MEMORY_FILE = 4096;

export const VARIANTS = defineVariants({
  thumb: { cover: [64, 64], format: "webp" },
  large: { fit: [200, 200] },
});
/** Made at upload time (stored before the server starts). */
export const THUMB = variantName("photos/cat.jpg", "thumb", VARIANTS.thumb);
/** Made on first request. */
export const LARGE = variantName("photos/cat.jpg", "large", VARIANTS.large);
/** `.thumb-<hash>.webp`: appended to a name, it asks for that name's thumbnail. */
export const THUMB_SUFFIX = THUMB.slice("photos/cat.jpg".length);

export interface Fixture {
  /** Temp folder holding everything. */
  base: string;
  root: string;
  /** A static source folder (an allowed link target). */
  source: string;
  /** The public media storage's folder, served at `/media/`. */
  mediaRoot: string;
  /** The signed storage's folder, served at `/media-private/`. */
  privateRoot: string;
  storages: Record<string, Storage> & { default: Storage };
  css: Buffer;
  cssBr: Buffer;
  cssGz: Buffer;
  js: Buffer;
  big: Buffer;
  /** `/media-private/doc.txt?...`: a signed link (an hour, `attachment`). */
  signedDoc: string;
  /** The fs storage's entity tag of `photo.png`. */
  photoEtag: string;
  cleanup(): void;
}

function write(file: string, content: string | Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

export function mediaConfig(fixture: Pick<Fixture, "mediaRoot" | "privateRoot">) {
  return {
    secret: SIGNING_SECRET,
    media: {
      url: "/media/",
      storage: { driver: "fs", root: fixture.mediaRoot },
      storages: { private: { driver: "fs", root: fixture.privateRoot } },
    },
    images: { variants: VARIANTS as Record<string, Record<string, unknown>> },
  };
}

export async function makeFixture(): Promise<Fixture> {
  const base = mkdtempSync(path.join(tmpdir(), "stowage-serve-"));
  const root = path.join(base, "staticfiles");
  const source = path.join(base, "static");
  const mediaRoot = path.join(base, "media");
  const privateRoot = path.join(base, "private");
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
  // The secret next to the roots: nothing may ever send a byte of it.
  write(path.join(base, "secret.txt"), `${SECRET}\n`);
  write(path.join(base, "package.json"), `{"secret": "${SECRET}"}\n`);
  write(path.join(source, "linked.css"), "body { margin: 0; }\n");
  symlinkSync(path.join(base, "secret.txt"), path.join(root, "escape.txt"));
  symlinkSync(base, path.join(root, "escape-dir"));
  symlinkSync(path.join(source, "linked.css"), path.join(root, "linked.css"));

  const cat = await photoJpeg(400, 300);
  write(path.join(mediaRoot, "photo.png"), "0123456789");
  write(path.join(mediaRoot, "page.html"), "<script>alert(1)</script>");
  write(path.join(mediaRoot, "logo.svg"), "<svg onload=alert(1)></svg>");
  write(path.join(mediaRoot, "notes.txt"), "plain words\n");
  write(path.join(mediaRoot, "big.bin"), big);
  write(path.join(mediaRoot, ".hidden"), `${SECRET}\n`);
  write(path.join(mediaRoot, "photos/cat.jpg"), cat);
  // Images an attacker would like variants of: a dotfile inside, an image outside.
  write(path.join(mediaRoot, ".secret.jpg"), cat);
  write(path.join(base, "secret.jpg"), cat);
  symlinkSync(path.join(base, "secret.txt"), path.join(mediaRoot, "escape.txt"));
  symlinkSync(base, path.join(mediaRoot, "escape-dir"));
  write(path.join(privateRoot, "doc.txt"), "private words");
  write(path.join(privateRoot, "other.txt"), "other words");

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

  const partial = { mediaRoot, privateRoot };
  const storages = createStoragesFromConfig(mediaConfig(partial));
  await makeVariants(storages.default, "photos/cat.jpg", VARIANTS, { only: ["thumb"] });
  const signedDoc = await storages.private!.signedUrl("doc.txt", {
    expiresIn: 3600,
    disposition: "attachment",
  });
  const photoEtag = (await storages.default.stat("photo.png"))!.etag!;
  return {
    base,
    root,
    source,
    mediaRoot,
    privateRoot,
    storages,
    css,
    cssBr,
    cssGz,
    js,
    big,
    signedDoc,
    photoEtag,
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

/** What `stowage serve` mounts: static files, then image variants, then media (public and signed). */
export function fixtureHandler(fixture: Fixture): ServeHandler {
  return combineHandlers(
    fixtureFiles(fixture),
    createVariantHandler({
      storage: fixture.storages.default,
      variants: VARIANTS,
      prefix: "/media/",
    }),
    createMediaHandler(mediaOptionsFromConfig(mediaConfig(fixture), fixture.storages)),
  );
}
