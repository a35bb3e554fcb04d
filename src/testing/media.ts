import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createStorage } from "../storage/index.js";
import type { Storage } from "../storage/types.js";

/** A throwaway media storage for one test, with its own upload temp folder. */
export interface TemporaryMedia {
  /** The storage to hand to the code under test. */
  storage: Storage;
  /** The media root on disk (`undefined` for memory storage). */
  root: string | undefined;
  /** A fresh folder to pass as the uploads' `tmpDir`, so leftovers are visible. */
  tmpDir: string;
  /** Names of the files currently under the upload temp folder. */
  leftoverTempFiles(): Promise<string[]>;
  /** Removes the root and the temp folder. */
  cleanup(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface TemporaryMediaOptions {
  /** `fs` (a temp folder, Django's `override_settings(MEDIA_ROOT=...)`) or `memory`. @default "fs" */
  driver?: "fs" | "memory";
  /** Prefix of the created folders' names. @default "stowage-test-" */
  prefix?: string;
  /** Public URL prefix of the storage. @default "/media/" */
  baseUrl?: string;
  /** HMAC key for signed URLs. @default "stowage-test-secret" */
  secret?: string;
}

/**
 * Creates a temporary media storage; call `cleanup()` in `afterEach` (or use
 * `await using media = await temporaryMedia()`).
 */
export async function temporaryMedia(options: TemporaryMediaOptions = {}): Promise<TemporaryMedia> {
  const prefix = options.prefix ?? "stowage-test-";
  const base = await mkdtemp(path.join(os.tmpdir(), prefix));
  const tmpDir = path.join(base, "upload-tmp");
  const root = options.driver === "memory" ? undefined : path.join(base, "media");
  const storage = createStorage(root === undefined ? "memory://" : { driver: "fs", root }, {
    baseUrl: options.baseUrl ?? "/media/",
    secret: options.secret ?? "stowage-test-secret",
  });
  const cleanup = () => rm(base, { recursive: true, force: true });
  return {
    storage,
    root,
    tmpDir,
    async leftoverTempFiles() {
      try {
        return await readdir(tmpDir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw error;
      }
    },
    cleanup,
    [Symbol.asyncDispose]: cleanup,
  };
}

/** Runs `fn` with a temporary media storage and removes it afterwards, whatever happens. */
export async function withTemporaryMedia<T>(
  fn: (media: TemporaryMedia) => Promise<T>,
  options?: TemporaryMediaOptions,
): Promise<T> {
  const media = await temporaryMedia(options);
  try {
    return await fn(media);
  } finally {
    await media.cleanup();
  }
}
