import { createReadStream } from "node:fs";
import * as fsp from "node:fs/promises";
import path from "node:path";
import { lookup } from "mrmime";
import { ConfigError, PathTraversalError } from "../../errors.js";
import {
  type DriverBody,
  dispositionHeader,
  encodeName,
  isLocalFile,
  type StorageDriver,
} from "../driver.js";
import { NameTakenError } from "../errors.js";
import { signQuery } from "../signing.js";
import type { ListEntry, StorageStat } from "../types.js";
import { isMissing, readRegularFile, removeQuietly, TEMP_PATTERN, tempWriter } from "./fs-files.js";

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

/**
 * Local disk: atomic writes (temp file + rename) and exclusive create (hard
 * link). A `localFile()` the caller gives up is linked into place itself
 * when it is on the root's filesystem, so a large upload is written once.
 */
export function fsDriver(options: FsOptions): StorageDriver {
  const root = path.resolve(options.root);
  const baseUrl = options.baseUrl ?? "/media/";
  const fileMode = options.fileMode ?? 0o644;
  const dirMode = options.dirMode ?? 0o755;
  const writer = tempWriter(fileMode, dirMode);
  let realRoot: Promise<string> | undefined;

  const toPath = (key: string): string => {
    const full = path.join(root, ...key.split("/"));
    // Defence in depth: the policy layer already refused traversal.
    if (!full.startsWith(root + path.sep)) throw new PathTraversalError(key);
    return full;
  };

  /** Resolves symlinks; `null` when the path is missing or ends up outside the root. */
  const insideRoot = async (key: string): Promise<string | null> => {
    try {
      const real = await fsp.realpath(toPath(key));
      // The root's own real path cannot change under a running app; resolve it once.
      realRoot ??= fsp.realpath(root).catch((error: unknown) => {
        // A root that does not exist yet is created by the first save; ask again next time.
        realRoot = undefined;
        throw error;
      });
      const resolvedRoot = await realRoot;
      return real.startsWith(resolvedRoot + path.sep) ? real : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  };

  /** A regular file inside the root, symlinks resolved, and its stats; `null` for anything else. */
  const regularFile = async (key: string) => {
    const real = await insideRoot(key);
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
    writer.writeTemp(path.dirname(toPath(key)), body, signal);

  /**
   * Whether the caller's file can become the stored file as is: a regular
   * file with no other name, on the same filesystem as `dir`. It then gets
   * the configured mode before any link makes it visible.
   */
  const canTakeOver = async (source: string, dir: string): Promise<boolean> => {
    await writer.ensureDir(dir);
    const dirInfo = await fsp.stat(dir).catch(async (error: unknown) => {
      // A remembered folder was removed behind our back: make it again.
      if (!isMissing(error)) throw error;
      await writer.ensureDir(dir, true);
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
      if (await canTakeOver(body.localPath, path.dirname(toPath(key)))) {
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

  return {
    kind: "fs",
    conditionalPut: true,
    acceptsBytes: true,
    acceptsLocalFiles: true,

    async put(key, body, writeOptions) {
      const target = toPath(key);
      await withStaged(key, body, writeOptions.signal, async (staged) => {
        if (writeOptions.ifNoneMatch) await linkOrTaken(staged, target);
        else await fsp.rename(staged, target);
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
      const real = await insideRoot(key);
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
      const full = toPath(key);
      try {
        const info = await fsp.lstat(full);
        if (info.isDirectory()) return;
        await fsp.unlink(full);
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    },

    list(prefix) {
      return walk(root, prefix);
    },

    url(key) {
      return `${baseUrl}${encodeName(key)}`;
    },

    async signedUrl(key, signOptions) {
      if (!options.secret) {
        throw new ConfigError(
          "Signed URLs on the fs storage need a `secret` (env STOWAGE_SECRET).",
          {
            key: "secret",
          },
        );
      }
      const query = signQuery(options.secret, key, {
        expiresIn: signOptions.expiresIn,
        disposition: dispositionHeader(signOptions.disposition),
      });
      return `${baseUrl}${encodeName(key)}?${query}`;
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

/** Every file under `root` whose key starts with `prefix`, in key order; symlinks are skipped. */
async function* walk(root: string, prefix: string): AsyncGenerator<ListEntry> {
  const slash = prefix.lastIndexOf("/");
  const startDir = slash === -1 ? "" : prefix.slice(0, slash);
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
      const key = relDir ? `${relDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (prefix.startsWith(`${key}/`) || key.startsWith(prefix)) yield* visit(key);
      } else if (entry.isFile() && key.startsWith(prefix) && !TEMP_PATTERN.test(entry.name)) {
        const info = await fsp.stat(path.join(root, ...key.split("/")));
        yield { name: key, size: info.size, lastModified: info.mtime };
      }
    }
  }
  yield* visit(startDir);
}
