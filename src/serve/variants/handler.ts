import type { Readable } from "node:stream";
import {
  CONTENT_TYPES,
  defineVariants,
  formatFromName,
  ImageError,
  type ImageLimits,
  parseVariantName,
  renderVariant,
  type VariantSpec,
  variantName,
} from "../../images/index.js";
import type { Storage } from "../../storage/types.js";

export interface VariantHandlerOptions extends ImageLimits {
  /** Where originals live and variants are cached. */
  storage: Storage;
  /** The declared variants (`images.variants`); nothing else can be requested. */
  variants: Record<string, VariantSpec | Record<string, unknown>>;
  /** URL prefix the storage's files are served under (MEDIA_URL). @default "/media/" */
  prefix?: string;
  /**
   * `Cache-Control` of variant responses. A variant's name carries its
   * spec's hash and originals are never overwritten in place, so the URL
   * names one rendering for good.
   * @default "public, max-age=31536000, immutable"
   */
  cacheControl?: string;
}

export interface VariantRequest {
  method: string;
  /** Request target: path and optional query. */
  target: string;
}

export interface VariantResponse {
  status: number;
  headers: Record<string, string>;
  /** Bytes, a stream from storage, or nothing (HEAD, errors with text in `headers`). */
  body: Buffer | Readable | string | null;
}

/** Answers a request, or `null` when the URL is not a declared variant (the next handler's turn). */
export type VariantHandler = (request: VariantRequest) => Promise<VariantResponse | null>;

/** Decoded storage name under `prefix`, or `null` when the target is not ours or is unsafe. */
export function nameFromTarget(target: string, prefix: string): string | null {
  const path = target.split(/[?#]/, 1)[0];
  if (!path.startsWith(prefix)) return null;
  let name: string;
  try {
    name = decodeURIComponent(path.slice(prefix.length));
  } catch {
    return null;
  }
  if (name === "" || name.includes("\\") || name.includes("\0")) return null;
  const segments = name.split("/");
  if (segments.some((segment) => segment === "" || segment === "." || segment === ".."))
    return null;
  return name;
}

function plain(
  status: number,
  message: string,
  extra: Record<string, string> = {},
): VariantResponse {
  return {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", ...extra },
    body: `${message}\n`,
  };
}

/**
 * The lazy variant handler: `GET <prefix><original>.<variant>-<hash>.<ext>`
 * serves the variant from storage, rendering and caching it there on the
 * first request. Only declared variants at their current spec hash are
 * answered; everything else returns `null`. Concurrent first requests for one
 * variant share a single render.
 */
export function createVariantHandler(options: VariantHandlerOptions): VariantHandler {
  const { storage } = options;
  const specs = defineVariants(options.variants, options);
  const prefix = options.prefix ?? "/media/";
  const cacheControl = options.cacheControl ?? "public, max-age=31536000, immutable";
  const inflight = new Map<string, Promise<Buffer>>();

  function headersFor(name: string, size: number): Record<string, string> {
    const format = formatFromName(name) ?? "jpeg";
    return {
      "content-type": CONTENT_TYPES[format],
      "content-length": String(size),
      "cache-control": cacheControl,
      "x-content-type-options": "nosniff",
    };
  }

  function render(original: string, variant: string, name: string): Promise<Buffer> {
    let pending = inflight.get(name);
    if (pending === undefined) {
      pending = renderVariant(storage, original, variant, specs, options)
        .then((made) => made.data)
        .finally(() => inflight.delete(name));
      inflight.set(name, pending);
    }
    return pending;
  }

  return async ({ method, target }) => {
    const name = nameFromTarget(target, prefix);
    if (name === null) return null;
    const parsed = parseVariantName(name);
    const spec = parsed === null ? undefined : specs[parsed.variant];
    if (parsed === null || spec === undefined) return null;
    // A stale hash or a wrong extension is not a variant we make.
    if (variantName(parsed.original, parsed.variant, spec) !== name) return null;
    if (method !== "GET" && method !== "HEAD") {
      return plain(405, "Method not allowed.", { allow: "GET, HEAD" });
    }
    const stored = await storage.stat(name);
    if (stored !== null) {
      const headers = headersFor(name, stored.size);
      headers["last-modified"] = stored.lastModified.toUTCString();
      if (stored.etag !== undefined) headers.etag = stored.etag;
      const body = method === "HEAD" ? null : await storage.open(name);
      return { status: 200, headers, body };
    }
    let data: Buffer;
    try {
      data = await render(parsed.original, parsed.variant, name);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "E_NOT_FOUND") return plain(404, "Not found.");
      if (error instanceof ImageError) {
        return plain(422, `The original cannot be made into this variant: ${error.message}`);
      }
      throw error;
    }
    return {
      status: 200,
      headers: headersFor(name, data.byteLength),
      body: method === "HEAD" ? null : data,
    };
  };
}
