// The gallery's Stowage configuration as a function of the environment, so
// the app, the `stowage` CLI (through stowage.config.mjs) and the tests all
// read the same settings. Paths are relative to this folder.
//
//   STOWAGE_MEDIA_STORAGE    public media (documents, photos, avatars), e.g. s3://bucket/media?...
//   GALLERY_PRIVATE_STORAGE  private documents, e.g. s3://bucket/private?...
//   DATABASE_URL             records: sqlite:PATH or postgres://... (STOWAGE_DATABASE_URL wins, as everywhere)
//   STOWAGE_SECRET           signs sessions and private links (several processes must share it)
//   GALLERY_UPLOAD_TMP       where uploads wait while they stream in (default: the OS temp folder)
// The library applies the STOWAGE_* variables itself; the two others are the app's.

import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Where `npm start` keeps everything it writes, relative to this folder. */
export const VAR_DIR = "../../var/gallery";

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Without STOWAGE_SECRET, a random secret made once and kept in
 * var/gallery/secret, so a local run needs no setup and the app, the CLI and
 * several local processes agree on it.
 */
function localSecret() {
  const file = path.resolve(here, VAR_DIR, "secret");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Another process made it first: use theirs.
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== "EEXIST") throw error;
    }
  }
  return readFileSync(file, "utf8").trim();
}

/** @param {NodeJS.ProcessEnv} env */
export function galleryConfig(env = process.env) {
  return {
    static: {
      dirs: [
        "static",
        // A vendor package mounted under a prefix: its font files are hashed
        // and the @font-face url() in css/fonts.css is rewritten to match.
        { prefix: "vendor/inter", dir: "../../node_modules/@fontsource-variable/inter/files" },
      ],
      root: `${VAR_DIR}/staticfiles`,
    },
    media: {
      storage: { driver: "fs", root: `${VAR_DIR}/media` },
      storages: {
        private: env.GALLERY_PRIVATE_STORAGE || { driver: "fs", root: `${VAR_DIR}/private` },
      },
      uploads: env.GALLERY_UPLOAD_TMP ? { tmpDir: env.GALLERY_UPLOAD_TMP } : {},
      database: env.DATABASE_URL || `sqlite:${VAR_DIR}/gallery.db`,
      // The columns that hold stored names: a file is deleted only once none
      // of them names it, and the orphan sweep keeps what they name.
      references: [
        { table: "documents", column: "file" },
        { table: "photos", column: "image" },
        { table: "users", column: "avatar" },
        { table: "private_documents", column: "file", storage: "private" },
      ],
    },
    images: {
      variants: {
        // Photos: a square grid cell and its double for dense screens, and a
        // medium size for the photo page's srcset.
        thumb: { cover: [300, 300], format: "webp" },
        thumb2x: { cover: [600, 600], format: "webp" },
        medium: { fit: [960, 540], format: "webp" },
        // Avatars: the small round picture in the header.
        avatarSmall: { cover: [64, 64], format: "webp" },
      },
    },
    secret: env.STOWAGE_SECRET || localSecret(),
  };
}
