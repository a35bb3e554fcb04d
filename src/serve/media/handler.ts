import type { Readable } from "node:stream";
import { lookup } from "mrmime";
import { ConfigError, StowageError } from "../../errors.js";
import { verifyQuery } from "../../storage/signing.js";
import type { Storage } from "../../storage/types.js";
import { isNotModified, mediaHeaders } from "./headers.js";
import { nameFromPath } from "./path.js";
import { parseRange } from "./range.js";

export interface MediaMount {
  /** URL prefix, starting and ending with `/`, e.g. `/media/`. */
  prefix: string;
  storage: Storage;
  /**
   * Serve only requests carrying a valid, unexpired HMAC signature (links from
   * the storage's `signedUrl`); anything else gets 403.
   * @default false
   */
  signed?: boolean;
}

export interface MediaHandlerOptions {
  mounts: MediaMount[];
  /** The key signed links were made with; required when a mount is `signed`. */
  secret?: string;
  /** `Cache-Control` for public media. @default "public, max-age=60" */
  publicCacheControl?: string;
  /** Clock in milliseconds, for tests. @default Date.now */
  now?: () => number;
}

/** What any adapter needs to know about a request. */
export interface MediaRequest {
  method: string;
  /** Path and query, e.g. `/media/a.png?x=1`. */
  url: string;
  header(name: string): string | undefined;
}

export interface MediaResponse {
  status: number;
  headers: Record<string, string>;
  body?: Readable | string;
}

export type MediaHandler = (request: MediaRequest) => Promise<MediaResponse | null>;

function plain(status: number, text: string, extra: Record<string, string> = {}): MediaResponse {
  return {
    status,
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Length": String(Buffer.byteLength(text)),
      "X-Content-Type-Options": "nosniff",
      ...extra,
    },
    body: text,
  };
}

/**
 * The runtime-neutral core: finds the mount, refuses unsafe paths (404) and
 * unsigned or tampered links on signed mounts (403), answers conditional and
 * range requests. `null` means "not ours or no such file": the adapter
 * passes the request on.
 */
export function createMediaHandler(options: MediaHandlerOptions): MediaHandler {
  for (const mount of options.mounts) {
    if (!mount.prefix.startsWith("/") || !mount.prefix.endsWith("/")) {
      throw new ConfigError(
        `A media prefix must start and end with "/", got ${JSON.stringify(mount.prefix)}.`,
      );
    }
    if (mount.signed && !options.secret) {
      throw new ConfigError(
        `Signed media under ${mount.prefix} needs a secret (env STOWAGE_SECRET).`,
        {
          key: "secret",
        },
      );
    }
  }
  // Longest prefix first, so `/media-private/` is not taken for a file under `/media`.
  const mounts = [...options.mounts].sort((a, b) => b.prefix.length - a.prefix.length);
  const now = options.now ?? Date.now;
  const publicCacheControl = options.publicCacheControl ?? "public, max-age=60";

  return async (request) => {
    const queryAt = request.url.indexOf("?");
    const pathname = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
    const query = new URLSearchParams(queryAt === -1 ? "" : request.url.slice(queryAt + 1));
    const mount = mounts.find((candidate) => pathname.startsWith(candidate.prefix));
    if (!mount) return null;
    if (request.method !== "GET" && request.method !== "HEAD") {
      return plain(405, "Method Not Allowed\n", { Allow: "GET, HEAD" });
    }
    const name = nameFromPath(pathname.slice(mount.prefix.length));
    if (name === null) return plain(404, "Not Found\n");

    let disposition: string | undefined;
    if (mount.signed) {
      try {
        // Checked before the storage is asked, so a bad link learns nothing about what exists.
        disposition = verifyQuery(options.secret!, mount.prefix, name, query, now()).disposition;
      } catch (error) {
        if (error instanceof StowageError && error.status === 403)
          return plain(403, `${error.message}\n`);
        throw error;
      }
    }

    const stat = await mount.storage.stat(name);
    if (stat === null) return null;
    const contentType = stat.contentType ?? lookup(name) ?? "application/octet-stream";
    const headers = mediaHeaders(stat, contentType, {
      disposition,
      cacheControl: mount.signed ? "private, no-store" : publicCacheControl,
    });
    if (isNotModified(stat, request.header("if-none-match"), request.header("if-modified-since"))) {
      delete headers["Content-Type"];
      return { status: 304, headers };
    }

    const ifRange = request.header("if-range");
    const rangeAllowed =
      ifRange === undefined || (stat.etag !== undefined && ifRange === stat.etag);
    const range = rangeAllowed ? parseRange(request.header("range"), stat.size) : null;
    if (range === "unsatisfiable") {
      return plain(416, "Range Not Satisfiable\n", { "Content-Range": `bytes */${stat.size}` });
    }
    const status = range ? 206 : 200;
    const length = range ? range.end - range.start + 1 : stat.size;
    headers["Content-Length"] = String(length);
    if (range) headers["Content-Range"] = `bytes ${range.start}-${range.end}/${stat.size}`;
    if (request.method === "HEAD" || length === 0) return { status, headers };
    const body = await mount.storage.open(name, range ? { range } : {});
    return { status, headers, body };
  };
}
