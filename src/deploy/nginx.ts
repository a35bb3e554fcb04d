/**
 * `stowage nginx`: an nginx `server` block whose answers match the serving
 * core's, for sites that put nginx in front of Node. Pure: config in, text
 * out.
 */
import type { ResolvedConfig, StorageSpecInput } from "../config/types.js";
import { ConfigError } from "../errors.js";
import { CACHE_IMMUTABLE, CACHE_SHORT } from "../serve/headers.js";

export interface NginxOptions {
  /** `listen` directive value. @default "80" */
  listen?: string;
  /** `server_name` directive value. @default "_" */
  serverName?: string;
  /** URL prefix of static files (`static.url`), starting and ending with `/`. */
  staticUrl: string;
  /** Absolute path of the collected folder (`static.root`). */
  staticRoot: string;
  /** Public media on the local filesystem; omitted when media lives elsewhere (S3, ...). */
  media?: { url: string; root: string };
  /**
   * Follow symlinks below the roots. Off, nginx refuses every link under the
   * root (`disable_symlinks`), which is stricter than the core; a root made
   * by `collect --link` needs it on, and then nginx follows links anywhere,
   * unlike the core, which only follows links into the static source folders.
   * @default false
   */
  followLinks?: boolean;
}

/** Types nginx gives `charset=utf-8`, matching the core's text types. */
const CHARSET_TYPES = [
  "text/css",
  "text/plain",
  "text/xml",
  "text/javascript",
  "application/javascript",
  "application/json",
  "application/ld+json",
  "application/manifest+json",
  "application/xml",
  "image/svg+xml",
];

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

function checkUrl(value: string, key: string): string {
  if (!value.startsWith("/") || !value.endsWith("/")) {
    throw new ConfigError(
      `${key} ${JSON.stringify(value)} must be a path starting and ending with "/" for nginx to serve it.`,
      { key },
    );
  }
  return checkValue(value, key);
}

function withSlash(dir: string): string {
  return dir.endsWith("/") ? dir : `${dir}/`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^()|[\]]/g, "\\$&");
}

/** The headers every served file gets; repeated per location because nginx's `add_header` does not inherit into a location that sets its own. */
function headerLines(cacheControl: string, indent: string): string[] {
  return [
    `add_header Cache-Control "${cacheControl}";`,
    `add_header Access-Control-Allow-Origin "*";`,
    `add_header X-Content-Type-Options "nosniff";`,
  ].map((line) => indent + line);
}

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

function staticLocation(url: string, root: string, followLinks: boolean): string[] {
  const prefix = escapeRegex(url);
  const inner = "        ";
  return [
    `    # Static files: hashed names (name.<12 hex>.ext) cached for ten years, others for 60 s.`,
    `    location ^~ ${url} {`,
    `        alias ${withSlash(root)};`,
    ...symlinkLines(root, followLinks),
    `        charset utf-8;`,
    `        charset_types ${CHARSET_TYPES.join(" ")};`,
    `        brotli_static on;`,
    `        gzip_static on;`,
    `        gzip_vary on;`,
    `        # Like the core: 304 when the file is not newer than If-Modified-Since, not only on an exact match.`,
    `        if_modified_since before;`,
    `        if ($request_method !~ ^(GET|HEAD)$) {`,
    `            add_header Allow "GET, HEAD" always;`,
    `            return 405;`,
    `        }`,
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

function mediaLocation(url: string, root: string): string[] {
  return [
    ``,
    `    # Public media from the local filesystem storage.`,
    `    location ^~ ${url} {`,
    `        alias ${withSlash(root)};`,
    ...symlinkLines(root, false),
    `        if ($request_method !~ ^(GET|HEAD)$) {`,
    `            add_header Allow "GET, HEAD" always;`,
    `            return 405;`,
    `        }`,
    ...headerLines(CACHE_SHORT, "        "),
    `        location ~ /\\. {`,
    `            return 404;`,
    `        }`,
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
    ...staticLocation(staticUrl, staticRoot, options.followLinks ?? false),
  ];
  if (options.media) {
    lines.push(
      ...mediaLocation(
        checkUrl(options.media.url, "media.url"),
        checkValue(options.media.root, "media.storage root"),
      ),
    );
  }
  lines.push(`}`, ``);
  return lines.join("\n");
}

/** The local folder of an `fs` storage spec, or `undefined` for any other driver. */
export function fsStorageRoot(spec: StorageSpecInput): string | undefined {
  if (typeof spec === "string") {
    if (!spec.startsWith("file://")) return undefined;
    return decodeURIComponent(new URL(spec).pathname);
  }
  return spec.driver === "fs" && typeof spec.root === "string" ? spec.root : undefined;
}

/** Options from a resolved config: media is included only when it lives on the local filesystem. */
export function nginxOptionsFromConfig(
  config: ResolvedConfig,
  extra: Pick<NginxOptions, "listen" | "serverName" | "followLinks"> = {},
): NginxOptions {
  const mediaRoot = fsStorageRoot(config.media.storage);
  return {
    ...extra,
    staticUrl: config.static.url,
    staticRoot: config.static.root,
    media: mediaRoot === undefined ? undefined : { url: config.media.url, root: mediaRoot },
  };
}
