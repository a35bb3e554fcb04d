import { createReadStream } from "node:fs";
import * as fsp from "node:fs/promises";
import path from "node:path";
import { lookup } from "mrmime";
import { PathTraversalError } from "../../errors.js";
import { type DriverBody, encodeName, isLocalFile, type StorageDriver } from "../driver.js";
import { FolderConflictError, NameTakenError } from "../errors.js";
import { isUrlPrefix, type Schema, URL_PREFIX } from "../schema.js";
import { hmacSignedUrl } from "../signing.js";
import type { ListEntry, StorageStat } from "../types.js";
import { isMissing, readRegularFile, removeQuietly, tempWriter } from "./fs-files.js";

export interface FsOptions {
  /** Folder the storage's files live in (absolute, or relative to the working directory). */
  root: string;
  /** URL prefix `url(name)` builds on, e.g. `/media/` or `https://cdn.example/media/`. @default "/media/" */
  baseUrl?: string;
  /** Key for HMAC-signed URLs; `signedUrl` refuses to work without it. */
  secret?: string;
  /** Mode of saved files (Django's FILE_UPLOAD_PERMISSIONS). @default 0o644 */
  fileMode?: number;
  /** Mode of created folders (FILE_UPLOAD_DIRECTORY_PERMISSIONS), before the umask. @default 0o755 */
  dirMode?: number;
}

export const fsSchema: Schema<FsOptions> = {
  root: { type: "string", required: true, expected: 'a folder, e.g. "media"' },
  baseUrl: { type: "string", check: isUrlPrefix, expected: URL_PREFIX },
  secret: { type: "string", secret: true, allowEmpty: true },
  fileMode: { type: "integer", min: 0, max: 0o7777, expected: "a file mode such as 0o644" },
  dirMode: { type: "integer", min: 0, max: 0o7777, expected: "a folder mode such as 0o755" },
};

/**
 * Local disk: atomic writes (temp file + rename) and exclusive create (hard
 * link). A `localFile()` the caller gives up is linked into place itself
 * when it is on the root's filesystem, so a large upload is written once.
 * Symlinks below the root are never followed, for reads or writes: a name
 * whose path meets one does not exist for reads, and cannot be saved.
 */
export function fsDriver(options: FsOptions): StorageDriver {
  const root = path.resolve(options.root);
  const baseUrl = options.baseUrl ?? "/media/";
  const fileMode = options.fileMode ?? 0o644;
  const dirMode = options.dirMode ?? 0o755;
  const writer = tempWriter(root, fileMode, dirMode);
  let realRoot: Promise<string> | undefined;

  const toPath = (key: string): string => {
    const full = path.join(root, ...key.split("/"));
    // Defence in depth: the policy layer already refused traversal.
    if (!full.startsWith(root + path.sep)) throw new PathTraversalError(key);
    return full;
  };

  /**
   * The real path of `key` (a file or a folder) when no part of it below the
   * root is a symlink; `null` when it is missing or reached through one.
   */
  const realPathOf = async (key: string): Promise<string | null> => {
    try {
      const real = await fsp.realpath(key === "" ? root : toPath(key));
      // The root's own real path cannot change under a running app; resolve it once.
      realRoot ??= fsp.realpath(root).catch((error: unknown) => {
        // A root that does not exist yet is created by the first save; ask again next time.
        realRoot = undefined;
        throw error;
      });
      const expected = key === "" ? await realRoot : path.join(await realRoot, ...key.split("/"));
      return real === expected ? real : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  };

  /** A regular file of the storage and its stats; `null` for anything else. */
  const regularFile = async (key: string) => {
    const real = await realPathOf(key);
    if (real === null) return null;
    try {
      const info = await fsp.stat(real);
      return info.isFile() ? { real, info } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  };

  const writeTemp = (key: string, body: DriverBody, signal?: AbortSignal): Promise<string> =>
    writer.writeTemp(path.dirname(toPath(key)), body, key, signal);

  /**
   * Whether the caller's file can become the stored file as is: a regular
   * file with no other name, on the same filesystem as `dir`. It then gets
   * the configured mode before any link makes it visible.
   */
  const canTakeOver = async (source: string, dir: string, key: string): Promise<boolean> => {
    await writer.ensureDir(dir, key);
    const dirInfo = await fsp.stat(dir).catch(async (error: unknown) => {
      // A remembered folder was removed behind our back: make it again.
      if (!isMissing(error)) throw error;
      await writer.ensureDir(dir, key, true);
      return fsp.stat(dir);
    });
    const info = await fsp.lstat(source);
    // A symlink or a file with a second name elsewhere would let that other path change the object.
    if (!info.isFile() || info.nlink !== 1 || info.dev !== dirInfo.dev) return false;
    if ((info.mode & 0o7777) !== fileMode) await fsp.chmod(source, fileMode);
    return true;
  };

  /**
   * Runs `commit` on a file that holds the bytes with the configured mode and
   * may be linked or renamed into place: the caller's own file when it gives
   * it up and it can be taken over (no byte copied), else a temp file written
   * beside the target and removed afterwards. The caller's file is never
   * removed here: the policy layer removes a moved file once the save succeeded.
   */
  async function withStaged<T>(
    key: string,
    body: DriverBody,
    signal: AbortSignal | undefined,
    commit: (staged: string) => Promise<T>,
  ): Promise<T> {
    if (isLocalFile(body) && body.move) {
      signal?.throwIfAborted();
      if (await canTakeOver(body.localPath, path.dirname(toPath(key)), key)) {
        try {
          return await commit(body.localPath);
        } catch (error) {
          // Same device number yet another mount (a bind mount): link/rename say EXDEV. Copy.
          if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
        }
      }
    }
    const temp = await writeTemp(key, body, signal);
    try {
      return await commit(temp);
    } finally {
      // Linked under its final name (or renamed away): the temp name is only a second link.
      await removeQuietly(temp);
    }
  }

  /** rename() over `target`, refusing to put a file where a folder is. */
  async function replace(staged: string, target: string, key: string): Promise<void> {
    try {
      await fsp.rename(staged, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EISDIR" || code === "ENOTEMPTY" || code === "EEXIST") {
        throw new FolderConflictError(key, "a folder has that name", { cause: error });
      }
      throw error;
    }
  }

  return {
    kind: "fs",
    acceptsBytes: true,
    acceptsLocalFiles: true,

    async put(key, body, writeOptions) {
      const target = toPath(key);
      await withStaged(key, body, writeOptions.signal, async (staged) => {
        if (writeOptions.ifNoneMatch) await linkOrTaken(staged, target);
        else await replace(staged, target, key);
      });
    },

    createFirstFree(candidates, body, writeOptions) {
      const first = candidates.next().value as string;
      return withStaged(first, body, writeOptions.signal, async (staged) => {
        let candidate = first;
        // link() fails with EEXIST instead of replacing, so two racing saves get two names.
        while (!(await linkOrTaken(staged, toPath(candidate), false))) {
          candidate = candidates.next().value as string;
        }
        return candidate;
      });
    },

    async get(key, getOptions) {
      const file = await regularFile(key);
      if (file === null) return null;
      const { start, end } = getOptions.range ?? { start: 0 };
      return createReadStream(file.real, { start, end, signal: getOptions.signal });
    },

    async read(key) {
      const real = await realPathOf(key);
      return real === null ? null : readRegularFile(real);
    },

    async head(key): Promise<StorageStat | null> {
      const file = await regularFile(key);
      if (file === null) return null;
      const { info } = file;
      return {
        name: key,
        size: info.size,
        lastModified: info.mtime,
        contentType: lookup(key),
        etag: `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`,
      };
    },

    async delete(key) {
      // Only a regular file in a real folder of the root: never through a symlinked folder.
      const slash = key.lastIndexOf("/");
      const dir = await realPathOf(slash === -1 ? "" : key.slice(0, slash));
      if (dir === null) return;
      const full = path.join(dir, key.slice(slash + 1));
      try {
        if ((await fsp.lstat(full)).isFile()) await fsp.unlink(full);
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    },

    list(prefix) {
      return walk(root, prefix, realPathOf);
    },

    url(key) {
      return `${baseUrl}${encodeName(key)}`;
    },

    async signedUrl(key, signOptions) {
      return hmacSignedUrl("fs", options.secret, baseUrl, key, signOptions);
    },
  };

  async function linkOrTaken(
    temp: string,
    target: string,
    throwWhenTaken = true,
  ): Promise<boolean> {
    // No mkdir: every candidate shares its folder with the temp file, which exists.
    try {
      await fsp.link(temp, target);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (throwWhenTaken) throw new NameTakenError(path.relative(root, target));
      return false;
    }
  }
}

/**
 * Every regular file under `root` whose key starts with `prefix`, in key
 * order. Symlinks and hidden entries (`.x`, temp files among them) are
 * skipped, and a walk that would start through a symlinked folder finds nothing.
 */
async function* walk(
  root: string,
  prefix: string,
  realPathOf: (key: string) => Promise<string | null>,
): AsyncGenerator<ListEntry> {
  const slash = prefix.lastIndexOf("/");
  const startDir = slash === -1 ? "" : prefix.slice(0, slash);
  if ((await realPathOf(startDir)) === null) return;
  async function* visit(relDir: string): AsyncGenerator<ListEntry> {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await fsp.readdir(path.join(root, ...relDir.split("/")), { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const key = relDir ? `${relDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (prefix.startsWith(`${key}/`) || key.startsWith(prefix)) yield* visit(key);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        const info = await fsp.lstat(path.join(root, ...key.split("/")));
        if (info.isFile()) yield { name: key, size: info.size, lastModified: info.mtime };
      }
    }
  }
  yield* visit(startDir);
}
