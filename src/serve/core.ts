/**
 * The serving core shared by every handler (static files, media, image
 * variants) and every adapter (node, fetch, fastify): the request a handler
 * reads, the response plan it returns, and the one decision between 200,
 * 206, 304 and 416. Pure: a plan's body is bytes in memory or a stream the
 * handler opened; adapters only write plans.
 */
import type { Readable } from "node:stream";
import { ifRangeAllows, isNotModified } from "./conditional.js";
import {
  flattenHeaders,
  fullHeaders,
  type HeaderFacts,
  partialHeaders,
  unsatisfiableHeaders,
  validatorHeaders,
} from "./headers.js";
import { parseRange } from "./range.js";

/** The request fields handlers read. Header values are `undefined` when absent. */
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

/**
 * A body streamed from disk or storage. The stream must deliver exactly
 * `length` bytes: an adapter that sees fewer cuts the connection rather than
 * leave the client waiting for bytes promised in `Content-Length`.
 */
export interface StreamBody {
  readonly length: number;
  /** Opened by the handler; an adapter that does not send it destroys it. */
  readonly stream: Readable;
}

export type ResponseBody = Buffer | StreamBody | null;

/** What to send: status, headers (as an object and flattened for `writeHead`) and the body. */
export interface ServeResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  /** The same headers as `[name, value, name, value, ...]`. */
  flat: readonly string[];
  /** `null` for HEAD, 304, 405 and 416. */
  body: ResponseBody;
}

/**
 * Anything adapters can serve: a static file table, the media handler, the
 * image variant handler, or several combined. `null` means "not ours": the
 * middleware calls the next handler. Answers that need no I/O come back
 * synchronously, so the hot path allocates no promise.
 */
export interface ServeHandler {
  respond(request: ServeRequest): ServeResponse | null | Promise<ServeResponse | null>;
}

export function makeResponse(
  status: number,
  headers: Record<string, string>,
  body: ResponseBody,
): ServeResponse {
  return { status, headers, flat: flattenHeaders(headers), body };
}

/** A short text response (404, 403, 405, ...); `head` leaves the body out. */
export function textResponse(
  status: number,
  text: string,
  extra: Record<string, string> = {},
  head = false,
): ServeResponse {
  const body = Buffer.from(`${text}\n`);
  const headers = {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": String(body.length),
    "X-Content-Type-Options": "nosniff",
    ...extra,
  };
  return makeResponse(status, headers, head ? null : body);
}

const NOT_FOUND = textResponse(404, "Not Found");
const NOT_FOUND_HEAD = textResponse(404, "Not Found", {}, true);
const METHOD_NOT_ALLOWED = textResponse(405, "Method Not Allowed", { Allow: "GET, HEAD" });

/** For targets under a handler's prefix that are hostile or malformed, and for the standalone server's misses. */
export function notFound(method: string): ServeResponse {
  return method === "HEAD" ? NOT_FOUND_HEAD : NOT_FOUND;
}

/** For methods other than GET and HEAD on something a handler serves. */
export function methodNotAllowed(): ServeResponse {
  return METHOD_NOT_ALLOWED;
}

export function isReadMethod(method: string): boolean {
  return method === "GET" || method === "HEAD";
}

/** The answer to a GET or HEAD, decided from the representation's validators and size alone. */
export type Decision =
  | { readonly status: 200 }
  | { readonly status: 304 }
  | { readonly status: 416 }
  | { readonly status: 206; readonly start: number; readonly end: number };

const FULL: Decision = { status: 200 };
const NOT_MODIFIED: Decision = { status: 304 };
const UNSATISFIABLE: Decision = { status: 416 };

/**
 * Conditional and range requests (RFC 9110 §13, §14), one logic for every
 * handler: 304 when the validators match, a single range as 206 (when
 * `If-Range` allows), 416 when no byte is in range, otherwise 200.
 */
export function decide(request: ServeRequest, facts: HeaderFacts): Decision {
  if (isNotModified(request.ifNoneMatch, request.ifModifiedSince, facts.etag, facts.mtime)) {
    return NOT_MODIFIED;
  }
  // Range applies to GET only (RFC 9110 §14.2); HEAD answers as a plain GET would.
  if (
    request.range === undefined ||
    request.method === "HEAD" ||
    !ifRangeAllows(request.ifRange, facts.etag, facts.mtime)
  ) {
    return FULL;
  }
  const range = parseRange(request.range, facts.size);
  if (range.kind === "unsatisfiable") return UNSATISFIABLE;
  if (range.kind === "range") return { status: 206, start: range.start, end: range.end };
  return FULL;
}

/** The bytes a decision sends (inclusive), or `null` when it sends none (HEAD, 304, 416, empty). */
export function bytesToSend(
  decision: Decision,
  facts: HeaderFacts,
  method: string,
): { start: number; end: number } | null {
  if (decision.status === 206) return { start: decision.start, end: decision.end };
  if (decision.status !== 200 || method === "HEAD" || facts.size === 0) return null;
  return { start: 0, end: facts.size - 1 };
}

/** The response for a decision, with the body the handler got for `bytesToSend`. */
export function planFor(decision: Decision, facts: HeaderFacts, body: ResponseBody): ServeResponse {
  switch (decision.status) {
    case 304:
      return makeResponse(304, validatorHeaders(facts), null);
    case 416:
      return makeResponse(416, unsatisfiableHeaders(facts), null);
    case 206:
      return makeResponse(206, partialHeaders(facts, decision.start, decision.end), body);
    default:
      return makeResponse(200, fullHeaders(facts), body);
  }
}

export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/** Try `handlers` in order; the first that answers wins (e.g. static files, then variants, then media). */
export function combineHandlers(...handlers: ServeHandler[]): ServeHandler {
  const from = (
    index: number,
    request: ServeRequest,
  ): ServeResponse | null | Promise<ServeResponse | null> => {
    for (let i = index; i < handlers.length; i++) {
      const answer = handlers[i]!.respond(request);
      if (isPromise(answer)) {
        return answer.then((found) => (found === null ? from(i + 1, request) : found));
      }
      if (answer !== null) return answer;
    }
    return null;
  };
  return { respond: (request) => from(0, request) };
}
