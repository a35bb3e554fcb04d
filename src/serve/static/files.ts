/**
 * `StaticFiles`: the static-file handler. It owns the lookup (the production
 * table or the dev-mode finder) and the encoding memo; every adapter serves
 * it like any other handler.
 */
import type { ResolvedConfig } from "../../config/types.js";
import { refuseUnknownKeys } from "../../option-keys.js";
import type { Finder } from "../../static/finders.js";
import { createFinder } from "../../static/finders.js";
import {
  isReadMethod,
  methodNotAllowed,
  notFound,
  type ServeHandler,
  type ServeRequest,
  type ServeResponse,
} from "../core.js";
import { EncodingCache } from "../encoding.js";
import { mountPath, NOT_OURS, REJECTED, requestKey } from "../path.js";
import { defaultFinder, respondDev } from "./dev.js";
import { currentFacts, respondFromFile, respondInMemory } from "./respond.js";
import { buildTable, type FileEntry, type TableOptions } from "./table.js";

interface CommonOptions {
  /**
   * URL prefix the files are served under (`static.url`), starting and
   * ending with `/`. A full URL (`https://cdn.example.com/static/`, a CDN in
   * front of the app) serves under its path (`/static/`).
   * @default "/static/"
   */
  prefix?: string;
}

/** Production: serve a collected `static.root` from a table built at start-up. */
export interface ProductionOptions extends CommonOptions, TableOptions {
  dev?: false;
}

/** Dev mode: serve straight from the source folders through a finder, per request. */
export interface DevOptions extends CommonOptions {
  dev: true;
  /**
   * Where the files come from, e.g. `createFinder(config.static)`.
   * @default the default `static.dirs` (`./static` when it exists) of the working directory
   */
  finder?: Finder;
}

export type StaticFilesOptions = ProductionOptions | DevOptions;

const PRODUCTION_KEYS = [
  "dev",
  "prefix",
  "root",
  "linkTargets",
  "memoryBudget",
  "maxMemoryFileSize",
] as const;
const DEV_KEYS = ["dev", "prefix", "finder"] as const;

export class StaticFiles implements ServeHandler {
  /** The URL path files are served under. */
  readonly prefix: string;
  readonly dev: boolean;
  /** Number of files in the table; `undefined` in dev mode, which has none. */
  readonly count: number | undefined;
  private readonly table: Map<string, FileEntry> | undefined;
  private readonly finder: Finder | undefined;
  private readonly encodings = new EncodingCache();

  constructor(options: StaticFilesOptions) {
    const dev = options.dev === true;
    refuseUnknownKeys(options, dev ? DEV_KEYS : PRODUCTION_KEYS, "createStaticFiles");
    this.prefix = mountPath(options.prefix ?? "/static/", "static.url");
    this.dev = dev;
    if (options.dev === true) {
      this.finder = options.finder ?? defaultFinder();
      this.count = undefined;
    } else {
      this.table = buildTable(options);
      this.count = this.table.size;
    }
  }

  /**
   * Answer a request, or `null` when it is not for one of our files (call the
   * next handler). Files held in memory are answered synchronously; files
   * streamed from disk (and every file in dev mode) after opening them.
   */
  respond(request: ServeRequest): ServeResponse | null | Promise<ServeResponse | null> {
    const key = requestKey(request.target, this.prefix);
    if (key === NOT_OURS) return null;
    if (key === REJECTED) return notFound(request.method);
    if (this.finder) return respondDev(this.finder, key, request);
    const entry = this.table!.get(key);
    if (entry === undefined) return null;
    if (!isReadMethod(request.method)) return methodNotAllowed();
    const encoding = this.encodings.choose(request.acceptEncoding, entry.encodings);
    const chosen = entry.variants[entry.encodings.indexOf(encoding)]!;
    if (chosen.memory) return respondInMemory(chosen.memory, chosen.facts, request);
    return respondFromFile(chosen.file, request, (stats) => currentFacts(chosen, stats), false);
  }
}

/** Build the file table (production) or the finder-backed handler (`dev: true`). */
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
