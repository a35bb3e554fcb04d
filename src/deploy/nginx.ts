/**
 * `stowage nginx`: an nginx `server` block whose answers match the serving
 * core's, for sites that put nginx in front of Node. Pure: config in, text
 * out.
 */
import type { ResolvedConfig, StorageSpecInput } from "../config/types.js";
import { ConfigError } from "../errors.js";
import { CACHE_IMMUTABLE, CACHE_SHORT, SANDBOX_POLICY } from "../serve/headers.js";
import { isExecutableType, isTextType, typeTable } from "../serve/mime.js";
import { mountPath } from "../serve/path.js";
import { declaredSuffixes } from "../serve/variants/names.js";
import { parseStorageUrl } from "../storage/spec.js";

export interface NginxMedia {
  /** `media.url`: a path, or a URL whose path is served. */
  url: string;
  /** The fs storage's folder. */
  root: string;
  /**
   * The declared image variants (`images.variants`): files named as one of
   * them at its current spec hash are cached as immutable, as the media
   * handler does.
   * @default {}
   */
  variants?: Record<string, Record<string, unknown>>;
}

export interface NginxOptions {
  /** `listen` directive value. @default "80" */
  listen?: string;
  /** `server_name` directive value. @default "_" */
  serverName?: string;
  /** `static.url`: a path starting and ending with `/`, or a URL whose path is served. */
  staticUrl: string;
  /** Absolute path of the collected folder (`static.root`). */
  staticRoot: string;
  /** Public media on the local filesystem; omitted when media lives elsewhere (S3, ...). */
  media?: NginxMedia;
  /**
   * Follow symlinks below the roots. Off, nginx refuses every link under the
   * root (`disable_symlinks`), which is stricter than the core; a root made
   * by `collect --link` needs it on, and then nginx follows links anywhere,
   * unlike the core, which only follows links into the static source folders.
   * @default false
   */
  followLinks?: boolean;
}

/** Characters that would break out of an nginx string or location. */
const UNSAFE = /["'\\;{}\s$#]/;

function checkValue(value: string, key: string): string {
  if (UNSAFE.test(value)) {
    throw new ConfigError(
      `${key} ${JSON.stringify(value)} contains characters nginx would misread (quotes, spaces, ;, {, }, $, #, \\).`,
      { key },
    );
  }
  return value;
}

/** The path nginx serves a URL prefix under (a CDN URL's path, as the Node handlers do). */
function checkUrl(value: string, key: string): string {
  return checkValue(mountPath(value, key), key);
}

function withSlash(dir: string): string {
  return dir.endsWith("/") ? dir : `${dir}/`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^()|[\]]/g, "\\$&");
}

/** The headers every static file gets; repeated per location because nginx's `add_header` does not inherit into a location that sets its own. */
function headerLines(cacheControl: string, indent: string): string[] {
  return [
    `add_header Cache-Control "${cacheControl}";`,
    `add_header Access-Control-Allow-Origin "*";`,
    `add_header X-Content-Type-Options "nosniff";`,
  ].map((line) => indent + line);
}

/** The headers every media file gets: no CORS, unlike static files. */
function mediaHeaderLines(cacheControl: string, indent: string, sandbox = false): string[] {
  const lines = sandbox
    ? [
        `add_header Content-Disposition "attachment";`,
        `add_header Content-Security-Policy "${SANDBOX_POLICY}";`,
      ]
    : [];
  lines.push(
    `add_header Cache-Control "${cacheControl}";`,
    `add_header X-Content-Type-Options "nosniff";`,
  );
  return lines.map((line) => indent + line);
}

/**
 * The Node handlers' type table as an nginx `types` block, so nginx names
 * every file's type (and adds `charset=utf-8` to the same ones) exactly as
 * `stowage/serve` does, instead of by its own `mime.types`.
 */
function typeLines(): string[] {
  const lines = [
    `    # File types as stowage/serve names them (one table), not nginx's mime.types.`,
  ];
  lines.push(`    types {`);
  for (const [type, extensions] of typeTable()) {
    lines.push(`        ${type} ${extensions.join(" ")};`);
  }
  lines.push(`    }`, `    default_type application/octet-stream;`);
  return lines;
}

function charsetLines(indent: string): string[] {
  const text = [...typeTable().keys()].filter(isTextType);
  return [`${indent}charset utf-8;`, `${indent}charset_types ${text.join(" ")};`];
}

/** Extensions of active content (HTML, SVG, XML, JavaScript, ...) in the type table. */
function activeExtensions(): string[] {
  const extensions: string[] = [];
  for (const [type, list] of typeTable()) if (isExecutableType(type)) extensions.push(...list);
  return extensions.map(escapeRegex);
}

const VARIANT_EXTENSION = "(?:jpg|webp|avif|png|gif)";
const ANY_VARIANT = `\\.[A-Za-z0-9][A-Za-z0-9_-]{0,31}-[0-9a-f]{8}\\.${VARIANT_EXTENSION}`;

function symlinkLines(root: string, followLinks: boolean): string[] {
  return followLinks
    ? [
        `        # Trusts every symlink under the root (collect --link).`,
        `        disable_symlinks off;`,
      ]
    : [
        `        # No byte from outside the root: refuse symlinks below it.`,
        `        disable_symlinks on from=${withSlash(root)};`,
      ];
}

/** What both locations answer alike: 405 for other methods, and 304 as the core decides it. */
function readOnlyLines(): string[] {
  return [
    `        # Like the core: 304 when the file is not newer than If-Modified-Since, not only on an exact match.`,
    `        if_modified_since before;`,
    `        if ($request_method !~ ^(GET|HEAD)$) {`,
    `            add_header Allow "GET, HEAD" always;`,
    `            return 405;`,
    `        }`,
  ];
}

function staticLocation(url: string, root: string, followLinks: boolean): string[] {
  const prefix = escapeRegex(url);
  const inner = "        ";
  return [
    `    # Static files: hashed names (name.<12 hex>.ext) cached for ten years, others for 60 s.`,
    `    location ^~ ${url} {`,
    `        alias ${withSlash(root)};`,
    ...symlinkLines(root, followLinks),
    ...charsetLines("        "),
    `        brotli_static on;`,
    `        gzip_static on;`,
    `        gzip_vary on;`,
    ...readOnlyLines(),
    ...headerLines(CACHE_SHORT, inner),
    ``,
    `        # Dotfiles and the manifest are never served.`,
    `        location ~ /\\. {`,
    `            return 404;`,
    `        }`,
    `        location = ${url}staticfiles.json {`,
    `            return 404;`,
    `        }`,
    `        # A precompressed sibling is only ever sent as a Content-Encoding of its original;`,
    `        # a lone .gz (an archive) is an ordinary file.`,
    `        location ~ "^${prefix}(?<stowage_original>.+)\\.(br|gz|zst)$" {`,
    `            if (-f ${withSlash(root)}$stowage_original) {`,
    `                return 404;`,
    `            }`,
    ...headerLines(CACHE_SHORT, `${inner}    `),
    `        }`,
    `        location ~ "\\.[0-9a-f]{12}\\.[^/]+$" {`,
    ...headerLines(CACHE_IMMUTABLE, `${inner}    `),
    `        }`,
    `    }`,
  ];
}

function variantLocation(variants: Record<string, Record<string, unknown>>): string[] {
  const suffixes = declaredSuffixes(variants)
    .filter((suffix) => /^\.[A-Za-z0-9][A-Za-z0-9_-]{0,31}-[0-9a-f]{8}$/.test(suffix))
    .map(escapeRegex);
  if (suffixes.length === 0) return [];
  const declared = `(?:${suffixes.join("|")})\\.${VARIANT_EXTENSION}$`;
  return [
    `        # Declared image variants: the name carries the spec hash, so it names one rendering for good.`,
    `        location ~ "${declared}" {`,
    ...mediaHeaderLines(CACHE_IMMUTABLE, "            "),
    `            # A variant of a variant is not one.`,
    `            location ~ "${ANY_VARIANT}${declared}" {`,
    ...mediaHeaderLines(CACHE_SHORT, "                "),
    `            }`,
    `        }`,
  ];
}

function mediaLocation(media: NginxMedia): string[] {
  const url = checkUrl(media.url, "media.url");
  const root = checkValue(media.root, "media.storage root");
  return [
    ``,
    `    # Public media from the local filesystem storage, as the media handler serves it:`,
    `    # nosniff, no CORS, and active content only as a sandboxed download.`,
    `    location ^~ ${url} {`,
    `        alias ${withSlash(root)};`,
    ...symlinkLines(root, false),
    ...readOnlyLines(),
    ...mediaHeaderLines(CACHE_SHORT, "        "),
    ``,
    `        location ~ /\\. {`,
    `            return 404;`,
    `        }`,
    `        # HTML, SVG, XML, JavaScript, ...: a browser would run them in the site's origin.`,
    `        location ~* "\\.(?:${activeExtensions().join("|")})$" {`,
    ...mediaHeaderLines(CACHE_SHORT, "            ", true),
    `        }`,
    ...variantLocation(media.variants ?? {}),
    `    }`,
  ];
}

/** Render the `server { ... }` block. */
export function renderNginxServer(options: NginxOptions): string {
  const staticUrl = checkUrl(options.staticUrl, "static.url");
  const staticRoot = checkValue(options.staticRoot, "static.root");
  const lines = [
    `# Generated by "stowage nginx". Regenerate after changing static.url, static.root or media.`,
    `server {`,
    `    listen ${checkValue(options.listen ?? "80", "listen")};`,
    `    server_name ${checkValue(options.serverName ?? "_", "server_name")};`,
    ``,
    ...typeLines(),
    ``,
    ...staticLocation(staticUrl, staticRoot, options.followLinks ?? false),
  ];
  if (options.media) lines.push(...mediaLocation(options.media));
  lines.push(`}`, ``);
  return lines.join("\n");
}

/**
 * The local folder of an `fs` storage spec, or `undefined` for any other
 * driver. A `file://` URL is read as the storage reads it, so a relative one
 * (`file://./media`) resolves from `baseDir` here too.
 */
export function fsStorageRoot(
  spec: StorageSpecInput,
  baseDir: string = process.cwd(),
): string | undefined {
  if (typeof spec === "string") {
    if (!spec.startsWith("file://")) return undefined;
    return parseStorageUrl(spec, baseDir).root as string;
  }
  return spec.driver === "fs" && typeof spec.root === "string" ? spec.root : undefined;
}

/** Options from a resolved config: media is included only when it lives on the local filesystem. */
export function nginxOptionsFromConfig(
  config: ResolvedConfig,
  extra: Pick<NginxOptions, "listen" | "serverName" | "followLinks"> = {},
): NginxOptions {
  const mediaRoot = fsStorageRoot(config.media.storage, config.baseDir);
  return {
    ...extra,
    staticUrl: config.static.url,
    staticRoot: config.static.root,
    media:
      mediaRoot === undefined
        ? undefined
        : { url: config.media.url, root: mediaRoot, variants: config.images.variants },
  };
}
