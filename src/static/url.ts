import { readFileSync } from "node:fs";
import path from "node:path";
import type { ResolvedConfig } from "../config/types.js";
import { StowageError } from "../errors.js";
import { refuseUnknownKeys } from "../option-keys.js";
import { type Manifest, readManifestSync } from "./manifest.js";

export class MissingManifestEntryError extends StowageError {
  readonly path: string;

  constructor(name: string, detail: string) {
    super(
      "E_MISSING_MANIFEST_ENTRY",
      `Missing staticfiles manifest entry for "${name}". ${detail}`,
    );
    this.path = name;
  }
}

export interface StaticUrlOptions {
  /** `static.url`, e.g. `/static/` or `https://cdn.example.com/static/`. */
  url: string;
  /** `static.root`; the manifest is read from it. */
  root: string;
  /**
   * Throw for a path the manifest does not know (Django's `manifest_strict`).
   * Off, such paths get their unhashed URL.
   * @default true
   */
  strict?: boolean;
  /** Development: no manifest, every path gets its plain URL. @default false */
  dev?: boolean;
  /** Use this manifest instead of reading `<root>/staticfiles.json`. */
  manifest?: Manifest | null;
}

const STATIC_URL_KEYS = ["url", "root", "strict", "dev", "manifest"] as const;

/** One entry of a Vite build manifest (`.vite/manifest.json`). */
interface ViteChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  css?: string[];
  imports?: string[];
}

export interface ViteTagsOptions {
  /** Folder under `static.url` where the Vite build was placed, e.g. `"dist"`. */
  base: string;
}

const escapeAttr = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

function encodePath(name: string): string {
  return name.split("/").map(encodeURIComponent).join("/");
}

/**
 * Template helpers backed by the manifest: `url("css/site.css")` gives
 * `/static/css/site.3f2a9c1d0b7e.css`, `integrity()` its SRI hash, and
 * `viteTags()` the tags for a Vite entry.
 */
export class StaticUrls {
  readonly options: StaticUrlOptions;
  private manifest: Manifest | null;
  private readonly viteManifests = new Map<string, Record<string, ViteChunk>>();

  constructor(options: StaticUrlOptions) {
    refuseUnknownKeys(options, STATIC_URL_KEYS, "createStaticUrls");
    this.options = options;
    this.manifest = options.dev ? null : (options.manifest ?? readManifestSync(options.root));
  }

  /** Re-read the manifest (after a collect in a long-running process). */
  reload(): void {
    if (!this.options.dev) this.manifest = readManifestSync(this.options.root);
    this.viteManifests.clear();
  }

  private strip(name: string): { file: string; suffix: string } {
    const clean = name.replace(/^\/+/, "");
    const cut = clean.search(/[?#]/);
    return cut === -1
      ? { file: clean, suffix: "" }
      : { file: clean.slice(0, cut), suffix: clean.slice(cut) };
  }

  /** Every original path the manifest knows, sorted. */
  names(): string[] {
    return Object.keys(this.manifest?.paths ?? {}).sort();
  }

  /** The hashed path of `name` relative to the static URL. */
  resolve(name: string): string {
    const { file, suffix } = this.lookup(name);
    return file + suffix;
  }

  private lookup(name: string): { file: string; suffix: string } {
    const { file, suffix } = this.strip(name);
    if (this.options.dev) return { file, suffix };
    const hashed = this.manifest?.paths[file];
    if (hashed) return { file: hashed, suffix };
    if (this.options.strict ?? true) {
      throw new MissingManifestEntryError(
        file,
        this.manifest
          ? `Check the spelling, or run "stowage collect" after adding the file.`
          : `There is no ${path.join(this.options.root, "staticfiles.json")}; run "stowage collect".`,
      );
    }
    return { file, suffix };
  }

  /** The public URL of a static file. */
  url(name: string): string {
    const { file, suffix } = this.lookup(name);
    return this.options.url + encodePath(file) + suffix;
  }

  /** `sha384-...` for the file, when the manifest has it. */
  integrity(name: string): string | undefined {
    return this.manifest?.integrity?.[this.lookup(name).file];
  }

  private vite(base: string): Record<string, ViteChunk> {
    let chunks = this.viteManifests.get(base);
    if (!chunks) {
      const file = path.join(this.options.root, base, ".vite", "manifest.json");
      try {
        chunks = JSON.parse(readFileSync(file, "utf8")) as Record<string, ViteChunk>;
      } catch (error) {
        throw new MissingManifestEntryError(
          `${base}/.vite/manifest.json`,
          `Could not read the Vite manifest ${file} (${(error as Error).message}); build with "build.manifest: true" and run "stowage collect".`,
        );
      }
      this.viteManifests.set(base, chunks);
    }
    return chunks;
  }

  /**
   * HTML for a Vite entry: stylesheet links (its own CSS and that of every
   * imported chunk), the module script, and `modulepreload` links for its
   * static imports, each with `integrity` when known. Vite's files are
   * already content-hashed, so they are used as they are.
   */
  viteTags(entry: string, options: ViteTagsOptions): string {
    const chunks = this.vite(options.base);
    const root = chunks[entry];
    if (!root) {
      throw new MissingManifestEntryError(
        entry,
        `It is not an entry of ${options.base}/.vite/manifest.json.`,
      );
    }
    const css = new Set<string>();
    const preload = new Set<string>();
    const seen = new Set<string>();
    const visit = (key: string, isRoot: boolean) => {
      if (seen.has(key)) return;
      seen.add(key);
      const chunk = chunks[key];
      if (!chunk) return;
      if (!isRoot) preload.add(chunk.file);
      for (const sheet of chunk.css ?? []) css.add(sheet);
      for (const child of chunk.imports ?? []) visit(child, false);
    };
    visit(entry, true);
    const href = (file: string) => {
      const name = `${options.base}/${file}`;
      const sri = this.manifest?.integrity?.[name];
      const integrity = sri ? ` integrity="${escapeAttr(sri)}" crossorigin="anonymous"` : "";
      return `"${escapeAttr(this.options.url + encodePath(name))}"${integrity}`;
    };
    return [
      ...[...css].map((file) => `<link rel="stylesheet" href=${href(file)}>`),
      `<script type="module" src=${href(root.file)}></script>`,
      ...[...preload].map((file) => `<link rel="modulepreload" href=${href(file)}>`),
    ].join("\n");
  }
}

/** Build the template helpers from explicit options; see `staticUrlsFromConfig` for a config. */
export function createStaticUrls(options: StaticUrlOptions): StaticUrls {
  return new StaticUrls(options);
}

/** What `staticUrlsFromConfig` takes besides the config: the rest comes from `static`. */
export type StaticUrlsConfigOptions = Omit<StaticUrlOptions, "url" | "root">;

/**
 * The template helpers for a resolved config: `static.url` and `static.root`
 * from the config, `strict`, `dev` and `manifest` from `options`.
 *
 *   const statics = staticUrlsFromConfig(config, { dev: process.env.NODE_ENV !== "production" });
 *   statics.url("css/site.css"); // "/static/css/site.3f2a9c1d0b7e.css"
 */
export function staticUrlsFromConfig(
  config: Pick<ResolvedConfig, "static">,
  options: StaticUrlsConfigOptions = {},
): StaticUrls {
  refuseUnknownKeys(
    options,
    STATIC_URL_KEYS.filter((key) => key !== "url" && key !== "root"),
    "staticUrlsFromConfig",
  );
  return new StaticUrls({ ...options, url: config.static.url, root: config.static.root });
}
