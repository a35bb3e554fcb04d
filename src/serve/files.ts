/**
 * `StaticFiles`: the object every adapter wraps. It owns the lookup (the
 * production table or the dev-mode finder) and the encoding memo.
 */
import type { ResolvedConfig } from "../config/types.js";
import { ConfigError } from "../errors.js";
import { createFinder, type Finder } from "../static/finders.js";
import {
  type FileEntry,
  type FileLookup,
  respond,
  type ServeRequest,
  type ServeResponse,
} from "./core.js";
import { DevLookup } from "./dev.js";
import { EncodingCache } from "./encoding.js";
import { buildTable, type TableOptions } from "./table.js";

interface CommonOptions {
  /** URL prefix the files are served under (`static.url`); must start and end with `/`. @default "/static/" */
  prefix?: string;
}

/** Production: serve a collected `static.root` from a table built at start-up. */
export interface ProductionOptions extends CommonOptions, TableOptions {
  dev?: false;
}

/** Dev mode: serve straight from the source folders through a finder, statting per request. */
export interface DevOptions extends CommonOptions {
  dev: true;
  /** From `createFinder(config.static)`. */
  finder: Finder;
}

export type StaticFilesOptions = ProductionOptions | DevOptions;

class TableLookup implements FileLookup {
  constructor(
    readonly prefix: string,
    private readonly table: Map<string, FileEntry>,
  ) {}

  lookup(key: string): FileEntry | undefined {
    return this.table.get(key);
  }
}

function checkPrefix(prefix: string): string {
  if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
    throw new ConfigError(
      `The static prefix ${JSON.stringify(prefix)} must start and end with "/".`,
      {
        key: "static.url",
      },
    );
  }
  return prefix;
}

export class StaticFiles {
  readonly prefix: string;
  readonly dev: boolean;
  /** Number of files in the table; `undefined` in dev mode, which has none. */
  readonly count: number | undefined;
  private readonly files: FileLookup;
  private readonly encodings = new EncodingCache();

  constructor(options: StaticFilesOptions) {
    this.prefix = checkPrefix(options.prefix ?? "/static/");
    this.dev = options.dev === true;
    if (options.dev === true) {
      this.files = new DevLookup(this.prefix, options.finder);
      this.count = undefined;
    } else {
      const table = buildTable(options);
      this.files = new TableLookup(this.prefix, table);
      this.count = table.size;
    }
  }

  /** Answer a request, or `null` when it is not for one of our files (call the next handler). */
  respond(request: ServeRequest): ServeResponse | null {
    return respond(this.files, request, this.encodings);
  }
}

/** Build the file table (production) or the finder-backed lookup (`dev: true`). */
export function createStaticFiles(options: StaticFilesOptions): StaticFiles {
  return new StaticFiles(options);
}

/**
 * Options for `createStaticFiles` from a resolved config: `static.url`,
 * `static.root`, and the source folders as allowed link targets (so a
 * `collect --link` root is served) or, in dev mode, as the finder's sources.
 */
export function staticOptionsFromConfig(
  config: ResolvedConfig,
  extra: { dev?: boolean } & Omit<TableOptions, "root" | "linkTargets"> = {},
): StaticFilesOptions {
  const { dev, ...table } = extra;
  if (dev) return { dev: true, prefix: config.static.url, finder: createFinder(config.static) };
  return {
    ...table,
    prefix: config.static.url,
    root: config.static.root,
    linkTargets: config.static.sources.map((source) => source.dir),
  };
}
