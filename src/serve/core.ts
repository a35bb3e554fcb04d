/**
 * The serving core: (a file table, a request) -> a response plan. It does no
 * I/O: a plan's body is bytes already in memory or a slice of a file for the
 * adapter to stream. Every adapter (node, fetch, fastify) calls `respond`, so
 * they all behave the same.
 */
import { ifRangeAllows, isNotModified } from "./conditional.js";
import type { Encoding, EncodingCache } from "./encoding.js";
import {
  flattenHeaders,
  fullHeaders,
  type HeaderFacts,
  partialHeaders,
  unsatisfiableHeaders,
  validatorHeaders,
} from "./headers.js";
import { NOT_OURS, REJECTED, requestKey } from "./path.js";
import { parseRange } from "./range.js";

/** Bytes `start`..`end` (inclusive) of a file on disk, for the adapter to stream. */
export interface FileSlice {
  file: string;
  start: number;
  end: number;
}

/** What to send: status, headers (as an object and flattened for `writeHead`) and the body. */
export interface ServeResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  /** The same headers as `[name, value, name, value, ...]`. */
  flat: readonly string[];
  /** `null` for HEAD, 304, 405 and 416. */
  body: Buffer | FileSlice | null;
}

/** One stored encoding of a file, with its responses prepared ahead of time. */
export interface Variant {
  encoding: Encoding;
  size: number;
  etag: string;
  /** Absolute path of the bytes on disk (the link target for links). */
  file: string;
  /** The whole content, when it fits the memory budget. */
  data: Buffer | undefined;
  facts: HeaderFacts;
  get: ServeResponse;
  head: ServeResponse;
  notModified: ServeResponse;
}

/** A servable file: its variants, smallest first. */
export interface FileEntry {
  /** Modification time in epoch seconds (what `Last-Modified` says). */
  mtime: number;
  variants: readonly Variant[];
  /** `variants.map(v => v.encoding)`, kept for negotiation without allocating. */
  encodings: readonly Encoding[];
}

/** The request fields the core reads. Header values are `undefined` when absent. */
export interface ServeRequest {
  method: string;
  /** The raw request target: path and query, exactly as received. */
  target: string;
  acceptEncoding?: string | undefined;
  range?: string | undefined;
  ifNoneMatch?: string | undefined;
  ifModifiedSince?: string | undefined;
  ifRange?: string | undefined;
}

export interface FileLookup {
  /** URL prefix, starting and ending with `/`. */
  readonly prefix: string;
  lookup(key: string): FileEntry | undefined;
}

export function makeResponse(
  status: number,
  headers: Record<string, string>,
  body: ServeResponse["body"],
): ServeResponse {
  return { status, headers, flat: flattenHeaders(headers), body };
}

/** Build a variant and the three responses that do not depend on the request. */
export function makeVariant(facts: HeaderFacts, file: string, data: Buffer | undefined): Variant {
  const headers = fullHeaders(facts);
  const whole = data ?? { file, start: 0, end: facts.size - 1 };
  return {
    encoding: facts.encoding,
    size: facts.size,
    etag: facts.etag,
    file,
    data,
    facts,
    // An empty file has no byte range to stream.
    get: makeResponse(200, headers, facts.size === 0 ? Buffer.alloc(0) : whole),
    head: makeResponse(200, headers, null),
    notModified: makeResponse(304, validatorHeaders(facts), null),
  };
}

function plain(status: number, text: string, extra: Record<string, string> = {}): ServeResponse {
  const body = Buffer.from(text);
  return makeResponse(
    status,
    {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Length": String(body.length),
      "X-Content-Type-Options": "nosniff",
      ...extra,
    },
    body,
  );
}

/** For targets under the prefix that are hostile or malformed. */
export const NOT_FOUND = plain(404, "Not Found\n");
export const METHOD_NOT_ALLOWED = plain(405, "Method Not Allowed\n", { Allow: "GET, HEAD" });

/**
 * Answer `request` from `files`, or `null` when the target is not a file we
 * have (the middleware then calls the next handler).
 */
export function respond(
  files: FileLookup,
  request: ServeRequest,
  encodings: EncodingCache,
): ServeResponse | null {
  const key = requestKey(request.target, files.prefix);
  if (key === NOT_OURS) return null;
  const isHead = request.method === "HEAD";
  if (key === REJECTED) return isHead ? { ...NOT_FOUND, body: null } : NOT_FOUND;
  const entry = files.lookup(key);
  if (entry === undefined) return null;
  if (request.method !== "GET" && !isHead) return METHOD_NOT_ALLOWED;

  const encoding = encodings.choose(request.acceptEncoding, entry.encodings);
  const variant = entry.variants[entry.encodings.indexOf(encoding)]!;

  if (isNotModified(request.ifNoneMatch, request.ifModifiedSince, variant.etag, entry.mtime)) {
    return variant.notModified;
  }
  // Range applies to GET only (RFC 9110 §14.2); HEAD answers as a plain GET would.
  if (
    !isHead &&
    request.range !== undefined &&
    ifRangeAllows(request.ifRange, variant.etag, entry.mtime)
  ) {
    const range = parseRange(request.range, variant.size);
    if (range.kind === "unsatisfiable") {
      return makeResponse(416, unsatisfiableHeaders(variant.facts), null);
    }
    if (range.kind === "range") {
      const body = variant.data
        ? variant.data.subarray(range.start, range.end + 1)
        : { file: variant.file, start: range.start, end: range.end };
      return makeResponse(206, partialHeaders(variant.facts, range.start, range.end), body);
    }
  }
  return isHead ? variant.head : variant.get;
}
