import { type Dirent, statSync } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";
import type { StaticSource } from "../config/types.js";
import { StowageError } from "../errors.js";

/** Django's default `--ignore` patterns. */
export const DEFAULT_IGNORE = [".*", "*~", "CVS"] as const;

export interface FinderOptions {
  sources: readonly StaticSource[];
  /** Extra ignore patterns (glob), matched against the basename and the relative path. */
  ignore?: readonly string[];
  /** Keep `.*`, `*~` and `CVS` in force. @default true */
  defaultIgnore?: boolean;
}

/** One file a finder found: its path under `static.url` and where it lives on disk. */
export interface FoundFile {
  /** Posix path relative to the static URL, e.g. `admin/css/base.css`. */
  path: string;
  /** Absolute path of the source file. */
  absolute: string;
  source: StaticSource;
}

export interface Duplicate {
  path: string;
  /** The file that wins (first source in order). */
  winner: FoundFile;
  /** Every later candidate that the winner hides. */
  shadowed: FoundFile[];
}

export interface FinderListing {
  /** Winning files by path, in discovery order. */
  files: Map<string, FoundFile>;
  duplicates: Duplicate[];
}

export class SourceDirError extends StowageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("E_SOURCE_DIR", message, options);
  }
}

export class UnreadableFileError extends StowageError {
  constructor(file: string, options?: { cause?: unknown }) {
    const reason = (options?.cause as NodeJS.ErrnoException | undefined)?.code ?? "unknown error";
    super("E_UNREADABLE", `${file}: cannot be read (${reason}).`, options);
  }
}

export class InvalidFileNameError extends StowageError {
  constructor(dir: string, options?: { cause?: unknown }) {
    super(
      "E_INVALID_FILE_NAME",
      `${dir}: contains a file name that is not valid UTF-8; rename it so it can be served by URL.`,
      options,
    );
  }
}

/** Build the predicate that says whether a relative path is ignored. */
export function createIgnoreMatcher(
  patterns: readonly string[],
  defaultIgnore = true,
): (relative: string) => boolean {
  const all = defaultIgnore ? [...DEFAULT_IGNORE, ...patterns] : [...patterns];
  if (all.length === 0) return () => false;
  const match = picomatch(all, { dot: true });
  return (relative) => match(relative) || match(path.posix.basename(relative));
}

/** Split a request-style path into safe segments, or `null` when it tries to escape. */
export function safeSegments(relative: string): string[] | null {
  if (relative.includes("\0") || relative.includes("\\")) return null;
  const segments = relative.split("/").filter((part) => part !== "" && part !== ".");
  if (segments.some((part) => part === "..")) return null;
  return segments;
}

function stripPrefix(relative: string, prefix: string): string | null {
  if (prefix === "") return relative;
  if (relative === prefix) return null;
  return relative.startsWith(`${prefix}/`) ? relative.slice(prefix.length + 1) : null;
}

/** True when a name came out of the filesystem as something other than valid UTF-8. */
function isMangledName(name: string): boolean {
  return name.includes("\uFFFD");
}

/**
 * Finds static files across the configured sources: `dirs` in order, then
 * `apps`. The first source that has a path wins; later ones are reported as
 * duplicates, as Django's `findstatic --all` does.
 */
export class Finder {
  readonly sources: readonly StaticSource[];
  readonly isIgnored: (relative: string) => boolean;

  constructor(options: FinderOptions) {
    this.sources = options.sources;
    this.isIgnored = createIgnoreMatcher(options.ignore ?? [], options.defaultIgnore ?? true);
  }

  /** Every source file that could serve `relative`, winner first. Synchronous: used per request in dev mode. */
  findAll(relative: string): FoundFile[] {
    const segments = safeSegments(relative.replace(/^\/+/, ""));
    if (!segments || segments.length === 0) return [];
    const clean = segments.join("/");
    if (segments.some((_, i) => this.isIgnored(segments.slice(0, i + 1).join("/")))) return [];
    const found: FoundFile[] = [];
    for (const source of this.sources) {
      const inner = stripPrefix(clean, source.prefix);
      if (inner === null) continue;
      const absolute = path.join(source.dir, ...inner.split("/"));
      try {
        if (statSync(absolute).isFile()) found.push({ path: clean, absolute, source });
      } catch {
        // Not in this source: try the next one.
      }
    }
    return found;
  }

  /** The file that serves `relative`, or `null`. */
  find(relative: string): FoundFile | null {
    return this.findAll(relative)[0] ?? null;
  }

  /** Walk every source and list the winning file for each path, plus the duplicates. */
  async list(): Promise<FinderListing> {
    const files = new Map<string, FoundFile>();
    const shadowed = new Map<string, FoundFile[]>();
    for (const source of this.sources) {
      await this.checkSource(source);
      for await (const file of this.walk(source, source.dir, "", new Set())) {
        const winner = files.get(file.path);
        if (!winner) {
          files.set(file.path, file);
        } else {
          const list = shadowed.get(file.path) ?? [];
          list.push(file);
          shadowed.set(file.path, list);
        }
      }
    }
    const duplicates = [...shadowed].map(([p, list]) => ({
      path: p,
      winner: files.get(p)!,
      shadowed: list,
    }));
    return { files, duplicates };
  }

  private async checkSource(source: StaticSource): Promise<void> {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(source.dir);
    } catch (error) {
      throw new SourceDirError(
        `static.${source.origin}: the folder ${source.dir} does not exist.`,
        { cause: error },
      );
    }
    if (!info.isDirectory()) {
      throw new SourceDirError(`static.${source.origin}: ${source.dir} is not a folder.`);
    }
  }

  private async *walk(
    source: StaticSource,
    dir: string,
    inner: string,
    ancestors: Set<string>,
  ): AsyncGenerator<FoundFile> {
    // A symlinked folder that points at one of its own ancestors would recurse forever.
    const real = await realpath(dir);
    if (ancestors.has(real)) {
      throw new SourceDirError(`${dir}: a symlink loops back to ${real}; remove or ignore it.`);
    }
    ancestors.add(real);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      throw new UnreadableFileError(dir, { cause: error });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (isMangledName(entry.name)) throw new InvalidFileNameError(dir);
      const innerPath = inner === "" ? entry.name : `${inner}/${entry.name}`;
      const publicPath = source.prefix === "" ? innerPath : `${source.prefix}/${innerPath}`;
      if (this.isIgnored(innerPath) || this.isIgnored(publicPath)) continue;
      const absolute = path.join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        // Follow links, as Django does (Debian's admin files link to /usr/share/javascript).
        try {
          const target = await stat(absolute);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch (error) {
          throw new UnreadableFileError(absolute, { cause: error });
        }
      }
      if (isDir) yield* this.walk(source, absolute, innerPath, ancestors);
      else if (isFile) yield { path: publicPath, absolute, source };
    }
    ancestors.delete(real);
  }
}

/** A finder over the resolved `static` config. */
export function createFinder(config: {
  sources: readonly StaticSource[];
  ignore: readonly string[];
  defaultIgnore: boolean;
}): Finder {
  return new Finder(config);
}
