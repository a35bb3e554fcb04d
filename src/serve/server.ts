/**
 * The standalone server behind `stowage serve`: static files first, then an
 * optional fallback handler (public media), then 404. It never touches
 * process signals; the caller passes an AbortSignal to stop it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type NodeHandler, nodeHandler, sendNodeResponse } from "./adapters/node.js";
import { NOT_FOUND } from "./core.js";
import type { StaticFiles } from "./files.js";

export interface StaticServerOptions {
  /** Handler tried for requests the static files do not answer (e.g. media). */
  fallback?: NodeHandler;
  /** Called once per finished response, e.g. to print a log line. */
  onResponse?: (req: IncomingMessage, res: ServerResponse, milliseconds: number) => void;
}

/** A node:http server over `files`. Call `listen` yourself. */
export function createStaticServer(files: StaticFiles, options: StaticServerOptions = {}): Server {
  const statics = nodeHandler(files);
  const notFound: NodeHandler = (req, res) =>
    sendNodeResponse(res, req.method === "HEAD" ? { ...NOT_FOUND, body: null } : NOT_FOUND);
  const fallback = options.fallback;
  const onResponse = options.onResponse;
  return createServer((req, res) => {
    if (onResponse) {
      const started = performance.now();
      res.on("finish", () => onResponse(req, res, performance.now() - started));
    }
    statics(req, res, () => {
      if (fallback) fallback(req, res, () => notFound(req, res));
      else notFound(req, res);
    });
  });
}

/**
 * Stop accepting connections and wait for requests in flight, cutting any
 * connection still open after `graceMs` (a slow download must not block a deploy).
 */
export function closeGracefully(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** One request log line: `GET /static/a.css 200 1.2ms`. */
export function formatLogLine(
  req: IncomingMessage,
  res: ServerResponse,
  milliseconds: number,
): string {
  return `${req.method} ${req.url} ${res.statusCode} ${milliseconds.toFixed(1)}ms`;
}
