import type { IncomingMessage, ServerResponse } from "node:http";
import { UploadError } from "../errors.js";
import type { UploadOptions } from "../options.js";
import { parseUpload } from "../parse.js";
import type { UploadResult } from "../result.js";

/**
 * Parse a Node request and remove leftover temp files once the response is
 * done (sent or abandoned). When the parse fails before the body was read to
 * the end, the response is marked `Connection: close`: the rest of the body
 * is never read, so the connection cannot carry another request.
 */
export async function parseNodeUpload(
  req: IncomingMessage,
  res: ServerResponse,
  options?: UploadOptions,
): Promise<UploadResult> {
  try {
    const result = await parseUpload(req, options);
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
