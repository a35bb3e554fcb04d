import { randomBytes } from "node:crypto";
import fs, { createWriteStream, constants as fsConstants } from "node:fs";
import * as fsp from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { type DriverBody, isLocalFile } from "../driver.js";
import { FolderConflictError } from "../errors.js";

/**
 * Temp files sit beside their target so the final rename/link never crosses
 * a filesystem. Their names start with `.`, which no stored name does.
 */
const TEMP_PREFIX = ".stowage-";
/** Folders remembered as existing; past this the memory is dropped and rebuilt. */
const MAX_KNOWN_DIRS = 10_000;

export interface TempWriter {
  /**
   * Writes `body` to a fresh temp file in `dir` (made when missing) with the
   * configured mode and returns its path. On failure nothing is left behind.
   * `name` is the key being saved, for error messages.
   */
  writeTemp(dir: string, body: DriverBody, name: string, signal?: AbortSignal): Promise<string>;
  /**
   * Makes `dir` (and its parents below the root) unless it is known to
   * exist; `fresh` forgets it first. Every part must be a real folder: a
   * file or a symlink in the way is a `FolderConflictError` for `name`.
   */
  ensureDir(dir: string, name: string, fresh?: boolean): Promise<void>;
}

/**
 * The write half of the fs driver. Folders it made or checked are
 * remembered, so a save into a known folder costs no syscall; the umask is
 * learned from the first file (a later `process.umask()` change is not
 * seen), so chmod runs only when it narrows the configured mode.
 */
export function tempWriter(root: string, fileMode: number, dirMode: number): TempWriter {
  const knownDirs = new Set<string>();
  /** Whether the umask takes bits away from `fileMode`; unknown until the first file. */
  let umaskNarrows: boolean | undefined;

  const remember = (dir: string) => {
    if (knownDirs.size >= MAX_KNOWN_DIRS) knownDirs.clear();
    knownDirs.add(dir);
  };

  // One part at a time, never `mkdir -p`: that would follow a symlinked folder out of the root.
  const ensureDir = async (dir: string, name: string, fresh = false) => {
    if (fresh) {
      // Removed behind our back: its parents may be gone too.
      for (let at = dir; at.startsWith(root); at = path.dirname(at)) {
        knownDirs.delete(at);
        if (at === root) break;
      }
    }
    if (knownDirs.has(dir)) return;
    if (!knownDirs.has(root)) {
      // The root itself is configured and may be (or sit under) a symlink.
      await fsp.mkdir(root, { recursive: true, mode: dirMode });
      remember(root);
    }
    let current = root;
    for (const part of path.relative(root, dir).split(path.sep).filter(Boolean)) {
      current = path.join(current, part);
      if (knownDirs.has(current)) continue;
      try {
        await fsp.mkdir(current, { mode: dirMode });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const info = await fsp.lstat(current);
        if (!info.isDirectory()) {
          const folder = path.relative(root, current).split(path.sep).join("/");
          throw new FolderConflictError(
            name,
            `${JSON.stringify(folder)} would have to be a folder, but a file or symlink has that name`,
            { cause: error },
          );
        }
      }
      remember(current);
    }
  };

  const writeOnce = async (temp: string, body: DriverBody, signal?: AbortSignal) => {
    if (isLocalFile(body)) {
      // A kernel copy (copy_file_range, or a reflink where the filesystem shares blocks). It takes
      // the source's mode, not the umask's, so the configured mode is always set explicitly.
      signal?.throwIfAborted();
      await fsp.copyFile(body.localPath, temp, fsConstants.COPYFILE_EXCL);
      await fsp.chmod(temp, fileMode);
      return;
    }
    // "wx": a temp name that somehow exists is never written through.
    if (Buffer.isBuffer(body))
      await fsp.writeFile(temp, body, { flag: "wx", mode: fileMode, signal });
    else await pipeline(body, createWriteStream(temp, { flags: "wx", mode: fileMode }), { signal });
    umaskNarrows ??= ((await fsp.stat(temp)).mode & 0o7777) !== fileMode;
    if (umaskNarrows) await fsp.chmod(temp, fileMode);
  };

  return {
    ensureDir,
    async writeTemp(dir, body, name, signal) {
      await ensureDir(dir, name);
      const temp = path.join(dir, `${TEMP_PREFIX}${randomBytes(8).toString("hex")}.tmp`);
      try {
        try {
          await writeOnce(temp, body, signal);
        } catch (error) {
          // A remembered folder was removed behind our back: make it again, once.
          // Only bytes and files can be written again; a stream is already spent.
          const again = Buffer.isBuffer(body) || isLocalFile(body);
          if (!isMissing(error) || !knownDirs.has(dir) || !again) throw error;
          await ensureDir(dir, name, true);
          await writeOnce(temp, body, signal);
        }
        return temp;
      } catch (error) {
        await removeQuietly(temp);
        throw error;
      }
    },
  };
}

/** Unlinks `file`; a file that is already gone is fine. */
export async function removeQuietly(file: string): Promise<void> {
  try {
    await fsp.unlink(file);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

/**
 * The whole of `file` in one buffer, or `null` when it is missing or not a
 * regular file. Opened non-blocking so a FIFO planted in the root cannot hang
 * the read. Plain callbacks under one promise: this is the hot path of
 * `read()`, and FileHandle's bookkeeping cost more than the syscalls here.
 */
export function readRegularFile(file: string): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK, (openError, fd) => {
      if (openError) {
        if (isMissing(openError) || openError.code === "EISDIR") resolve(null);
        else reject(openError);
        return;
      }
      const finish = (error: Error | null, result: Buffer | null) =>
        fs.close(fd, (closeError) => {
          if (error ?? closeError) reject(error ?? closeError);
          else resolve(result);
        });
      fs.fstat(fd, (statError, info) => {
        if (statError) return finish(statError, null);
        if (!info.isFile()) return finish(null, null);
        const buffer = Buffer.allocUnsafe(info.size);
        const readFrom = (filled: number) => {
          if (filled >= info.size) return finish(null, buffer);
          fs.read(fd, buffer, filled, info.size - filled, filled, (readError, bytesRead) => {
            if (readError) return finish(readError, null);
            // Saves replace files whole (rename/link): a short read means a truncation by hand.
            if (bytesRead === 0) return finish(null, buffer.subarray(0, filled));
            readFrom(filled + bytesRead);
          });
        };
        readFrom(0);
      });
    });
  });
}

export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}
