/**
 * The standalone server behind `stowage serve`: one handler (static files,
 * variants and media combined), then 404. It never touches process signals;
 * the caller stops it with `closeGracefully`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { answerUnserved, nodeHandler } from "./adapters/node.js";
import type { ServeHandler } from "./core.js";

export interface StandaloneServerOptions {
  /** Called once per finished response, e.g. to print a log line. */
  onResponse?: (req: IncomingMessage, res: ServerResponse, milliseconds: number) => void;
  /** Called with an error the handler threw (the client gets a 500), e.g. to log it. */
  onError?: (error: unknown, req: IncomingMessage) => void;
}

/** A node:http server over `handler`; what it does not serve gets a 404. Call `listen` yourself. */
export function createStandaloneServer(
  handler: ServeHandler,
  options: StandaloneServerOptions = {},
): Server {
  const serve = nodeHandler(handler);
  const { onResponse, onError } = options;
  return createServer((req, res) => {
    if (onResponse) {
      const started = performance.now();
      res.on("finish", () => onResponse(req, res, performance.now() - started));
    }
    serve(req, res, (error) => {
      if (error !== undefined) onError?.(error, req);
      answerUnserved(req, res, error);
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
