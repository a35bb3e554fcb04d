import type { IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { MalformedUploadError, UploadError, UploadSizeError } from "./errors.js";
import { isValidBoundary } from "./multipart.js";
import { parseParameters } from "./part-headers.js";
import { type BodySource, nodeSource, webSource } from "./source.js";

/** Headers as Node gives them or as a fetch `Headers`. */
export type HeadersLike =
  | Headers
  | IncomingHttpHeaders
  | Record<string, string | string[] | undefined>;

/** Anything with headers and a body: an `IncomingMessage`, a fetch `Request`, or this shape. */
export interface UploadInput {
  headers: HeadersLike;
  body: Readable | ReadableStream<Uint8Array> | null;
}

export type UploadRequest = Readable | Request | UploadInput;

export type BodyKind = { kind: "multipart"; boundary: string } | { kind: "urlencoded" };

function header(headers: HeadersLike, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") {
    return (headers as Headers).get(name) ?? undefined;
  }
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Headers and a pausable body, whatever the caller handed us. */
export function openRequest(request: UploadRequest): {
  headers: HeadersLike;
  source: BodySource | undefined;
} {
  if (request instanceof Readable) {
    const headers = (request as Readable & { headers?: HeadersLike }).headers ?? {};
    return { headers, source: nodeSource(request) };
  }
  const { headers, body } = request as UploadInput;
  if (body === null || body === undefined) return { headers, source: undefined };
  return { headers, source: body instanceof Readable ? nodeSource(body) : webSource(body) };
}

/** Which parser the body needs, from `Content-Type`; refuses what is not a form. */
export function bodyKind(headers: HeadersLike): BodyKind {
  const contentType = header(headers, "content-type");
  const { type, params, duplicates } = parseParameters(contentType ?? "");
  if (type === "application/x-www-form-urlencoded") return { kind: "urlencoded" };
  if (type !== "multipart/form-data") {
    throw new UploadError(
      "E_CONTENT_TYPE",
      `Expected a form (multipart/form-data or application/x-www-form-urlencoded); got ${contentType ? `"${contentType.slice(0, 80)}"` : "no Content-Type"}.`,
      { status: 415 },
    );
  }
  const boundary = params.get("boundary");
  if (duplicates.has("boundary")) {
    throw new MalformedUploadError(
      "The Content-Type header declares the multipart boundary twice.",
    );
  }
  if (boundary === undefined || boundary === "") {
    throw new MalformedUploadError("The Content-Type header has no multipart boundary.");
  }
  if (!isValidBoundary(boundary)) {
    throw new MalformedUploadError(
      `The multipart boundary must be 1 to 70 letters, digits or '()+_,-./:=? (RFC 2046); got ${boundary.length} characters.`,
    );
  }
  return { kind: "multipart", boundary };
}

/**
 * The declared body length: refused at once when over `maxTotalSize`, so a
 * client learns before sending a byte. `undefined` for chunked bodies.
 */
export function declaredLength(headers: HeadersLike, maxTotalSize: number): number | undefined {
  const raw = header(headers, "content-length");
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim())) {
    throw new MalformedUploadError(
      `The Content-Length header is not a number ("${raw.slice(0, 40)}").`,
    );
  }
  const length = Number(raw);
  if (length > maxTotalSize) {
    throw new UploadSizeError("totalSize", maxTotalSize, length, { complete: true });
  }
  return length;
}

/**
 * Whether a request comes from a script that wants a JSON answer rather
 * than a page: `X-Requested-With: XMLHttpRequest` (any case), or an `Accept`
 * that names JSON (`application/json`, `application/*+json`) and not HTML.
 * The one rule for both answers to an upload: `uploadErrorReply` decides a
 * refusal with it, and a route should decide its success answer with it too.
 */
export function wantsJson(headers: HeadersLike): boolean {
  const requestedWith = header(headers, "x-requested-with");
  if (requestedWith?.toLowerCase() === "xmlhttprequest") return true;
  const accept = header(headers, "accept") ?? "";
  return /\bapplication\/(?:[\w.+-]+\+)?json\b/i.test(accept) && !/\btext\/html\b/i.test(accept);
}
