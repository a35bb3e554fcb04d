import { UploadError, type UploadErrorStatus, UploadValidationError } from "./errors.js";
import { type HeadersLike, wantsJson } from "./request.js";

/** Django's key for errors that belong to the form, not one field. */
export const NON_FIELD_ERRORS = "__all__";

/** The JSON body a `fetch`/XHR caller gets. */
export interface UploadErrorJson {
  success: false;
  errors: Record<string, string[]>;
}

/** What every reply holds, whoever asked. */
interface UploadErrorReplyBase {
  /** The error's HTTP status. */
  status: UploadErrorStatus;
  /** Messages by field, `__all__` for the form as a whole. */
  errors: Record<string, string[]>;
  /** The error's message: the plain-text answer when no form page is rendered. */
  message: string;
  /**
   * What the user typed: the text fields read completely before the upload
   * stopped (`error.fields`), to fill the form again. Not part of the JSON
   * `body`: a script still holds its own values.
   */
  fields: Readonly<Record<string, string>>;
}

/** The reply to a client that asked for JSON: send `body` as it is. */
export interface UploadErrorJsonReply extends UploadErrorReplyBase {
  json: true;
  body: UploadErrorJson;
}

/**
 * The reply to a form post: render the form again with `errors` beside its
 * fields, or send `message` as plain text.
 */
export interface UploadErrorFormReply extends UploadErrorReplyBase {
  json: false;
}

/** How to answer an upload error, for either kind of client. */
export type UploadErrorReply = UploadErrorJsonReply | UploadErrorFormReply;

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
 * Turns an upload error into the answer both kinds of client expect, with
 * the error's status: `{ success: false, errors }` when the request asked
 * for JSON (`Accept: application/json` or `X-Requested-With:
 * XMLHttpRequest`), form errors and the plain-text message otherwise. The
 * one decision every adapter answers from (`uploadErrorResponse` for
 * fetch). Rethrows anything that is not an `UploadError`.
 */
export function uploadErrorReply(error: unknown, headers: HeadersLike): UploadErrorReply {
  const errors = uploadFormErrors(error);
  if (errors === undefined) throw error;
  const { status, message, fields } = error as UploadError;
  if (wantsJson(headers)) {
    return { status, json: true, body: { success: false, errors }, errors, message, fields };
  }
  return { status, json: false, errors, message, fields };
}
