import { refuseUnknownKeys } from "../../option-keys.js";
import type { UploadError } from "../errors.js";
import type { UploadOptions } from "../options.js";
import { parseUpload } from "../parse.js";
import { type UploadErrorFormReply, uploadErrorReply } from "../responses.js";
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

export interface UploadErrorResponseOptions {
  /**
   * The answer to a form post (a client that did not ask for JSON),
   * typically the form rendered again with `reply.errors` beside its
   * fields: a `Response`, or a string sent as an HTML page with the
   * error's status.
   * @default the error's message as plain text, with its status
   */
  form?: (reply: UploadErrorFormReply, error: UploadError) => Response | string;
}

const RESPONSE_KEYS = ["form"];

/**
 * The `Response` for an upload error, with its status: `{ success: false,
 * errors }` as JSON when the request asked for JSON, otherwise the `form`
 * answer, or the error's message as plain text. Rethrows errors that are
 * not upload errors (a bug or an outage stays a 500).
 *
 * ```ts
 * app.onError((error, c) =>
 *   error instanceof UploadError ? uploadErrorResponse(error, c.req.raw) : c.text("Server error", 500),
 * );
 * ```
 */
export function uploadErrorResponse(
  error: unknown,
  request: Request,
  options: UploadErrorResponseOptions = {},
): Response {
  refuseUnknownKeys(options, RESPONSE_KEYS, "uploadErrorResponse");
  const reply = uploadErrorReply(error, request.headers);
  if (reply.json) return Response.json(reply.body, { status: reply.status });
  const answer = options.form?.(reply, error as UploadError);
  if (answer instanceof Response) return answer;
  return new Response(answer ?? reply.message, {
    status: reply.status,
    headers: {
      "content-type": `${answer === undefined ? "text/plain" : "text/html"}; charset=utf-8`,
    },
  });
}
