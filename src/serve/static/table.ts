/**
 * Start-up scan of `static.root` into the in-memory file table. Requests only
 * ever look keys up in the table it returns; a streamed file is then opened
 * by the real path the scan found, never by a path built from the URL.
 */
import { type Dirent, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { StowageError } from "../../errors.js";
import { MANIFEST_NAME, readManifestSync } from "../../static/manifest.js";
import type { Encoding } from "../encoding.js";
import { CACHE_IMMUTABLE, CACHE_SHORT, etagFor, type HeaderFacts, modifiedAt } from "../headers.js";
import { contentTypeFor } from "../mime.js";
import { type Encoded, inMemory } from "./respond.js";

/** A servable file: its stored encodings, smallest first. */
export interface FileEntry {
  variants: readonly Encoded[];
  /** `variants.map(v => v.encoding)`, kept for negotiation without allocating. */
  encodings: readonly Encoding[];
}

/** Options of the production file table. */
export interface TableOptions {
  /** The collected folder to serve (`static.root`). */
  root: string;
  /**
   * Folders that symlinks in the root may point into besides the root itself:
   * the static source folders, so that a `collect --link` root is served. A
   * link to anywhere else is left out of the table.
   * @default []
   */
  linkTargets?: readonly string[];
  /** Total bytes of file content held in memory; the rest is streamed from disk. @default 67108864 (64 MiB) */
  memoryBudget?: number;
  /** Files larger than this (bytes) are always streamed. @default 262144 (256 KiB) */
  maxMemoryFileSize?: number;
}

export class StaticRootError extends StowageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("E_STATIC_ROOT", message, options);
  }
}

/** Suffix of a precompressed sibling -> the coding it holds. */
const COMPRESSED_SUFFIXES: ReadonlyArray<[string, Encoding]> = [
  [".br", "br"],
  [".gz", "gzip"],
  [".zst", "zstd"],
];

/** A bound on nesting, beside the loop check, so a pathological tree cannot exhaust the stack. */
const MAX_DEPTH = 64;

interface ScannedFile {
  /** Real path on disk. */
  file: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

function isInside(child: string, parent: string): boolean {
  return (
    child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep)
  );
}

function realOrNull(file: string): string | null {
  try {
    return realpathSync(file);
  } catch {
    return null;
  }
}

/** List every servable regular file under `root` by its `/`-separated key. */
export function scanRoot(root: string, linkTargets: readonly string[]): Map<string, ScannedFile> {
  const realRoot = realOrNull(root);
  if (realRoot === null || !statSync(realRoot).isDirectory()) {
    throw new StaticRootError(
      `static.root ${root} does not exist or is not a folder: run "stowage collect" first, or serve in dev mode.`,
    );
  }
  const allowed = [realRoot, ...linkTargets.map(realOrNull).filter((dir) => dir !== null)];
  const files = new Map<string, ScannedFile>();

  // Real paths of the folders being walked: a link back to one of them is a loop.
  const walking = new Set<string>();
  const walk = (dir: string, prefix: string, depth: number): void => {
    if (depth > MAX_DEPTH || walking.has(dir)) return;
    walking.add(dir);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      throw new StaticRootError(`${dir}: cannot be read while scanning static.root.`, {
        cause: error,
      });
    }
    for (const entry of entries) {
      // Dotfiles are never served; names that are not valid UTF-8 cannot be addressed by URL.
      if (entry.name.startsWith(".") || entry.name.includes("\uFFFD")) continue;
      const key = prefix + entry.name;
      if (key === MANIFEST_NAME) continue;
      const absolute = path.join(dir, entry.name);
      let real = absolute;
      if (entry.isSymbolicLink()) {
        const target = realOrNull(absolute);
        if (target === null || !allowed.some((base) => isInside(target, base))) continue;
        real = target;
      } else if (!entry.isFile() && !entry.isDirectory()) {
        continue;
      }
      let info: ReturnType<typeof statSync>;
      try {
        info = statSync(real);
      } catch {
        // Removed between readdir and stat: nothing to serve.
        continue;
      }
      if (info.isDirectory()) walk(real, `${key}/`, depth + 1);
      else if (info.isFile()) {
        files.set(key, { file: real, size: info.size, mtimeMs: info.mtimeMs, ino: info.ino });
      }
    }
    walking.delete(dir);
  };
  walk(realRoot, "", 0);
  return files;
}

/** Split the scan into originals and their precompressed siblings. A `.gz` with no original beside it (an archive) is an original. */
function groupVariants(files: Map<string, ScannedFile>): Map<string, Map<Encoding, ScannedFile>> {
  const groups = new Map<string, Map<Encoding, ScannedFile>>();
  for (const [key, file] of files) {
    const sibling = COMPRESSED_SUFFIXES.find(
      ([suffix]) => key.endsWith(suffix) && files.has(key.slice(0, -suffix.length)),
    );
    if (sibling) continue;
    const group = new Map<Encoding, ScannedFile>([["identity", file]]);
    for (const [suffix, encoding] of COMPRESSED_SUFFIXES) {
      const compressed = files.get(key + suffix);
      if (compressed) group.set(encoding, compressed);
    }
    groups.set(key, group);
  }
  return groups;
}

/** Pick which files' bytes to hold in memory: the smallest first, so the budget covers the most requests. */
function chooseInMemory(
  files: Iterable<ScannedFile>,
  budget: number,
  maxFileSize: number,
): Set<ScannedFile> {
  const chosen = new Set<ScannedFile>();
  let used = 0;
  const candidates = [...files].filter((file) => file.size <= maxFileSize);
  candidates.sort((a, b) => a.size - b.size);
  for (const file of candidates) {
    if (used + file.size > budget) break;
    chosen.add(file);
    used += file.size;
  }
  return chosen;
}

/** Scan `root` and build the table: key -> entry, with the responses of in-memory files prepared. */
export function buildTable(options: TableOptions): Map<string, FileEntry> {
  const scanned = scanRoot(options.root, options.linkTargets ?? []);
  const hashed = new Set(Object.values(readManifestSync(options.root)?.paths ?? {}));
  const groups = groupVariants(scanned);
  const held = chooseInMemory(
    [...groups.values()].flatMap((group) => [...group.values()]),
    options.memoryBudget ?? 64 * 1024 * 1024,
    options.maxMemoryFileSize ?? 256 * 1024,
  );

  const table = new Map<string, FileEntry>();
  for (const [key, group] of groups) {
    const original = group.get("identity")!;
    const common = {
      contentType: contentTypeFor(key),
      ...modifiedAt(original.mtimeMs),
      cacheControl: hashed.has(key) ? CACHE_IMMUTABLE : CACHE_SHORT,
      vary: group.size > 1,
      cors: true,
    };
    const variants: Encoded[] = [];
    for (const [encoding, file] of group) {
      // Read before building the headers, so Content-Length matches the bytes held.
      const data = held.has(file) ? readFileSync(file.file) : undefined;
      const size = data?.length ?? file.size;
      const facts: HeaderFacts = {
        ...common,
        size,
        encoding,
        etag: etagFor(size, Math.floor(file.mtimeMs / 1000)),
      };
      variants.push({
        encoding,
        file: file.file,
        facts,
        scanned: { size: file.size, mtimeMs: file.mtimeMs, ino: file.ino },
        memory: data === undefined ? undefined : inMemory(facts, data),
      });
    }
    // Smallest first; on a tie identity wins, since every client can read it.
    variants.sort((a, b) => a.facts.size - b.facts.size || (a.encoding === "identity" ? -1 : 1));
    table.set(key, { variants, encodings: variants.map((variant) => variant.encoding) });
  }
  return table;
}
