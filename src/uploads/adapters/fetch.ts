import type { UploadOptions } from "../options.js";
import { parseUpload } from "../parse.js";
import { uploadErrorReply } from "../responses.js";
import type { UploadResult } from "../result.js";

/**
 * Parse a fetch `Request` (Hono, the web standard runtimes). Call
 * `result.cleanup()` when the handler is done: a fetch handler has no
 * "response finished" event to hook.
 */
export function parseRequestUpload(
  request: Request,
  options?: UploadOptions,
): Promise<UploadResult> {
  return parseUpload(request, options);
}

/**
 * A `Response` for an upload error when the caller wants JSON
 * (`{ success: false, errors }`, 400/413); `undefined` for a form post, whose
 * page should be rendered again with `uploadFormErrors(error)`. Rethrows
 * errors that are not upload errors.
 */
export function uploadErrorResponse(error: unknown, request: Request): Response | undefined {
  const reply = uploadErrorReply(error, request.headers);
  if (!reply.json) return undefined;
  return Response.json(reply.body, { status: reply.status });
}
