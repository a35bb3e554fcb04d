/** node:http / Connect / Express adapter: `(req, res, next?)`. */
import { createReadStream } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServeResponse } from "../core.js";
import { NOT_FOUND } from "../core.js";
import { createStaticFiles, StaticFiles, type StaticFilesOptions } from "../files.js";

export type NextFunction = (error?: unknown) => void;
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => void;

/** Write a response plan: bytes in memory in one call, files streamed without buffering them whole. */
export function sendNodeResponse(res: ServerResponse, response: ServeResponse): void {
  res.writeHead(response.status, response.flat as string[]);
  const body = response.body;
  if (body === null) {
    res.end();
  } else if (Buffer.isBuffer(body)) {
    res.end(body);
  } else {
    const stream = createReadStream(body.file, { start: body.start, end: body.end });
    // Headers are gone already, so a read error can only cut the connection.
    stream.on("error", () => res.destroy());
    res.on("close", () => stream.destroy());
    stream.pipe(res);
  }
}

/**
 * Middleware for node:http, Connect and Express. Files it does not have go
 * to `next()`; without `next` (a bare node:http server) they get a 404.
 */
export function nodeHandler(filesOrOptions: StaticFiles | StaticFilesOptions): NodeHandler {
  const files =
    filesOrOptions instanceof StaticFiles ? filesOrOptions : createStaticFiles(filesOrOptions);
  return (req, res, next) => {
    const headers = req.headers;
    const response = files.respond({
      method: req.method ?? "GET",
      // Express strips its mount path from `url`; `originalUrl` keeps the whole target.
      target: (req as { originalUrl?: string }).originalUrl ?? req.url ?? "/",
      acceptEncoding: headers["accept-encoding"],
      range: headers.range,
      ifNoneMatch: headers["if-none-match"],
      ifModifiedSince: headers["if-modified-since"],
      ifRange: headers["if-range"] as string | undefined,
    });
    if (response !== null) sendNodeResponse(res, response);
    else if (next) next();
    else sendNodeResponse(res, req.method === "HEAD" ? { ...NOT_FOUND, body: null } : NOT_FOUND);
  };
}
