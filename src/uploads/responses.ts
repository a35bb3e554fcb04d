import { UploadError, UploadValidationError } from "./errors.js";
import { type HeadersLike, wantsJson } from "./request.js";

/** Django's key for errors that belong to the form, not one field. */
export const NON_FIELD_ERRORS = "__all__";

/** The JSON body a `fetch`/XHR caller gets. */
export interface UploadErrorJson {
  success: false;
  errors: Record<string, string[]>;
}

/**
 * How to answer an upload error. `json` callers get `body` as is; for a
 * normal form post, render the form again with `errors` beside the fields.
 */
export type UploadErrorReply =
  | { status: number; json: true; body: UploadErrorJson; errors: Record<string, string[]> }
  | { status: number; json: false; errors: Record<string, string[]> };

/**
 * Messages by field for an upload error: validation failures per field,
 * a limit on a known field under that field, everything else under
 * `__all__`. `undefined` when `error` is not an `UploadError` (a bug or an
 * outage must stay a 500, not become a form message).
 */
export function uploadFormErrors(error: unknown): Record<string, string[]> | undefined {
  if (error instanceof UploadValidationError) return error.errors;
  if (!(error instanceof UploadError)) return undefined;
  return { [error.field ?? NON_FIELD_ERRORS]: [error.message] };
}

/**
 * Turns an upload error into the answer both kinds of client expect:
 * `{ success: false, errors }` with 400/413 when the request asked for JSON
 * (`Accept: application/json` or `X-Requested-With: XMLHttpRequest`), form
 * errors otherwise. Rethrows anything that is not an `UploadError`.
 */
export function uploadErrorReply(error: unknown, headers: HeadersLike): UploadErrorReply {
  const errors = uploadFormErrors(error);
  if (errors === undefined) throw error;
  const status = (error as UploadError).status;
  if (wantsJson(headers)) return { status, json: true, body: { success: false, errors }, errors };
  return { status, json: false, errors };
}
