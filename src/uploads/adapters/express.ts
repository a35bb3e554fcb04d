import type { IncomingMessage, ServerResponse } from "node:http";
import { resolveUploadOptions, type UploadOptions } from "../options.js";
import type { UploadResult } from "../result.js";
import { parseNodeUploadResolved } from "./node.js";

declare global {
  // Express's `Request` extends this global interface (as its own typings invite), so
  // `req.uploads` is typed in an Express app without this package importing Express's types.
  namespace Express {
    interface Request {
      /** The upload parsed by `uploadMiddleware`; temp files are removed after the response. */
      uploads?: UploadResult;
    }
  }
}

/** The request as the middleware leaves it. */
export interface UploadRequestFields {
  /** The parsed upload; temp files are removed after the response. */
  uploads?: UploadResult;
  /** The fields, when no other body parser set a body. */
  body?: unknown;
}

type Next = (error?: unknown) => void;

/** Methods that carry no form: they pass through untouched. */
const BODILESS_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Express (4 and 5) middleware for upload routes: parses the form body into
 * `req.uploads` (and `req.body` = the fields, when unset), then calls
 * `next()`. Errors go to `next(error)` with `error.status` set, so the app's
 * error handler can use `uploadErrorReply`: 413/400/408 for limits, 415
 * `E_CONTENT_TYPE` for a body that is not a form (a JSON POST), 500
 * `E_BODY_CONSUMED` when a body parser mounted earlier
 * (`express.urlencoded()`, `express.json()`) already read the body. GET,
 * HEAD and OPTIONS pass through. Options are checked here, once: a
 * misspelt one fails at start-up, not on the first upload.
 */
export function uploadMiddleware(options?: UploadOptions) {
  const resolved = resolveUploadOptions(options);
  return (req: IncomingMessage & UploadRequestFields, res: ServerResponse, next: Next): void => {
    if (BODILESS_METHODS.has(req.method ?? "GET")) {
      next();
      return;
    }
    parseNodeUploadResolved(req, res, resolved).then(
      (result) => {
        req.uploads = result;
        req.body ??= { ...result.fields };
        next();
      },
      (error) => next(error),
    );
  };
}
