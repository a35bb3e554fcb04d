import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import * as fsp from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { lookup } from "mrmime";
import { ConfigError, PathTraversalError } from "../../errors.js";
import { dispositionHeader, encodeName, type StorageDriver } from "../driver.js";
import { NameTakenError } from "../errors.js";
import { signQuery } from "../signing.js";
import type { ListEntry, StorageStat } from "../types.js";

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

// Temp files sit beside their target so the final rename/link never crosses a filesystem.
const TEMP_PATTERN = /^\.stowage-[0-9a-f]{16}\.tmp$/;

/** Local disk: atomic writes (temp file + rename) and exclusive create (hard link). */
export function fsDriver(options: FsOptions): StorageDriver {
  const root = path.resolve(options.root);
  const baseUrl = options.baseUrl ?? "/media/";
  const fileMode = options.fileMode ?? 0o644;
  const dirMode = options.dirMode ?? 0o755;
  let realRoot: Promise<string> | undefined;

  const toPath = (key: string): string => {
    const full = path.join(root, ...key.split("/"));
    // Defence in depth: the policy layer already refused traversal.
    if (!full.startsWith(root + path.sep)) throw new PathTraversalError(key);
    return full;
  };

  /** Resolves symlinks and refuses anything that ends up outside the root. */
  const realFile = async (key: string): Promise<string | null> => {
    try {
      const real = await fsp.realpath(toPath(key));
      // The root's own real path cannot change under a running app; resolve it once.
      realRoot ??= fsp.realpath(root).catch((error: unknown) => {
        // A root that does not exist yet is created by the first save; ask again next time.
        realRoot = undefined;
        throw error;
      });
      const resolvedRoot = await realRoot;
      if (!real.startsWith(resolvedRoot + path.sep)) return null;
      const info = await fsp.stat(real);
      return info.isFile() ? real : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  };

  const writeTemp = async (key: string, body: Readable, signal?: AbortSignal): Promise<string> => {
    const dir = path.dirname(toPath(key));
    await fsp.mkdir(dir, { recursive: true, mode: dirMode });
    const temp = path.join(dir, `.stowage-${randomBytes(8).toString("hex")}.tmp`);
    try {
      await pipeline(body, createWriteStream(temp, { flags: "wx", mode: fileMode }), { signal });
      // The umask may have narrowed the mode; the configured one is what the user asked for.
      await fsp.chmod(temp, fileMode);
      return temp;
    } catch (error) {
      await fsp.rm(temp, { force: true });
      throw error;
    }
  };

  return {
    kind: "fs",
    conditionalPut: true,

    async put(key, body, writeOptions) {
      const temp = await writeTemp(key, body, writeOptions.signal);
      try {
        if (writeOptions.ifNoneMatch) await linkOrTaken(temp, toPath(key));
        else await fsp.rename(temp, toPath(key));
      } finally {
        await fsp.rm(temp, { force: true });
      }
    },

    async createFirstFree(candidates, body, writeOptions) {
      const first = candidates.next().value as string;
      const temp = await writeTemp(first, body, writeOptions.signal);
      try {
        let candidate = first;
        // link() fails with EEXIST instead of replacing, so two racing saves get two names.
        while (!(await linkOrTaken(temp, toPath(candidate), false))) {
          candidate = candidates.next().value as string;
        }
        return candidate;
      } finally {
        await fsp.rm(temp, { force: true });
      }
    },

    async get(key, getOptions) {
      const file = await realFile(key);
      if (file === null) return null;
      const { start, end } = getOptions.range ?? { start: 0 };
      return createReadStream(file, { start, end, signal: getOptions.signal });
    },

    async head(key): Promise<StorageStat | null> {
      const file = await realFile(key);
      if (file === null) return null;
      const info = await fsp.stat(file);
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
    await fsp.mkdir(path.dirname(target), { recursive: true, mode: dirMode });
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

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
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
