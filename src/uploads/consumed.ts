import { Readable } from "node:stream";
import { UploadError } from "./errors.js";
import type { HeadersLike, UploadRequest } from "./request.js";

/**
 * The request's body was read by something else before the upload parser
 * got it (500: the app's middleware order is wrong, the client can do
 * nothing about it). The message names the parser that took it.
 */
export class BodyConsumedError extends UploadError {
  constructor(message: string) {
    super("E_BODY_CONSUMED", message, { status: 500 });
  }
}

/** The body parser an app most likely mounted for this content type. */
function parserFor(type: string): string {
  if (type === "application/x-www-form-urlencoded") return "express.urlencoded()";
  if (type === "multipart/form-data") return "multer or formidable";
  if (type === "application/json" || type.endsWith("+json")) return "express.json()";
  if (type.startsWith("text/")) return "express.text()";
  return "express.raw()";
}

function contentTypeOf(headers: HeadersLike | undefined): string {
  if (headers === undefined) return "";
  if (typeof (headers as Headers).get === "function") {
    return (headers as Headers).get("content-type") ?? "";
  }
  const value = (headers as Record<string, string | string[] | undefined>)["content-type"];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

/**
 * Why the body can no longer be parsed, or `undefined` when it is unread. A
 * Node request whose `data` has been emitted or that has ended (older
 * body-parsers also mark it `_body`), or a fetch `Request` with `bodyUsed`,
 * would otherwise look like an upload interrupted after 0 bytes.
 */
export function consumedBodyError(request: UploadRequest): BodyConsumedError | undefined {
  if (request instanceof Readable) {
    const req = request as Readable & { _body?: boolean; headers?: HeadersLike };
    if (!(req._body === true || req.readableDidRead || req.readableEnded)) return undefined;
    const type = contentTypeOf(req.headers).split(";")[0].trim().toLowerCase() || "this body";
    return new BodyConsumedError(
      `The request body was already read by another body parser (for ${type}, usually ${parserFor(type)}) before the upload parser ran, so nothing is left to parse. Mount the upload middleware before it, or mount that parser only on the routes that need it (app.post("/path", express.urlencoded(), handler)).`,
    );
  }
  if ((request as Partial<Request>).bodyUsed === true) {
    return new BodyConsumedError(
      "The Request body was already read (request.formData(), .json(), .text(), or a framework helper such as Hono's c.req.parseBody()) before parseRequestUpload ran. Parse the upload first, and read fields from its result.",
    );
  }
  return undefined;
}
