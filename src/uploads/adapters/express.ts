import type { IncomingMessage, ServerResponse } from "node:http";
import type { UploadOptions } from "../options.js";
import type { UploadResult } from "../result.js";
import { parseNodeUpload } from "./node.js";

/** The request as the middleware leaves it. */
export interface UploadRequestFields {
  /** The parsed upload; temp files are removed after the response. */
  uploads?: UploadResult;
  /** The fields, when no other body parser set a body. */
  body?: unknown;
}

type Next = (error?: unknown) => void;

/**
 * Express (4 and 5) middleware: parses form bodies into `req.uploads`
 * (and `req.body` = the fields, when unset), then calls `next()`. Errors go
 * to `next(error)` with `error.status` set (413/400/408), so the app's error
 * handler can use `uploadErrorReply`. Other content types pass through.
 */
export function uploadMiddleware(options?: UploadOptions) {
  return (req: IncomingMessage & UploadRequestFields, res: ServerResponse, next: Next): void => {
    const type = req.headers["content-type"] ?? "";
    if (!/^(?:multipart\/form-data|application\/x-www-form-urlencoded)\b/i.test(type)) {
      next();
      return;
    }
    parseNodeUpload(req, res, options).then(
      (result) => {
        req.uploads = result;
        req.body ??= { ...result.fields };
        next();
      },
      (error) => next(error),
    );
  };
}
