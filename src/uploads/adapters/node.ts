import type { IncomingMessage, ServerResponse } from "node:http";
import { UploadError } from "../errors.js";
import {
  type ResolvedUploadOptions,
  resolveUploadOptions,
  type UploadOptions,
} from "../options.js";
import { parseUploadResolved } from "../parse.js";
import type { UploadResult } from "../result.js";

/** `parseNodeUpload` with options resolved once, for adapters made once per route. */
export async function parseNodeUploadResolved(
  req: IncomingMessage,
  res: ServerResponse,
  options: ResolvedUploadOptions,
): Promise<UploadResult> {
  try {
    const result = await parseUploadResolved(req, options);
    res.once("close", () => {
      void result.cleanup().catch(() => undefined);
    });
    return result;
  } catch (error) {
    if (error instanceof UploadError && !req.readableEnded && !res.headersSent) {
      res.setHeader("Connection", "close");
    }
    throw error;
  }
}

/**
 * Parse a Node request and remove leftover temp files once the response is
 * done (sent or abandoned). When the parse fails before the body was read to
 * the end, the response is marked `Connection: close`: the rest of the body
 * is never read, so the connection cannot carry another request. Options are
 * checked at once (`ConfigError`, thrown synchronously).
 */
export function parseNodeUpload(
  req: IncomingMessage,
  res: ServerResponse,
  options?: UploadOptions,
): Promise<UploadResult> {
  return parseNodeUploadResolved(req, res, resolveUploadOptions(options));
}
