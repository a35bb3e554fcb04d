import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { MediaHandler, MediaRequest, MediaResponse } from "./handler.js";

/** Write a core response to a Node response; a failed body stream ends the connection. */
export async function sendNodeResponse(
  res: ServerResponse,
  response: MediaResponse,
): Promise<void> {
  res.writeHead(response.status, response.headers);
  if (response.body === undefined) {
    res.end();
    return;
  }
  if (typeof response.body === "string") {
    res.end(response.body);
    return;
  }
  // Once headers are out, an error can only cut the response short; pipeline destroys both ends.
  await pipeline(response.body, res).catch(() => undefined);
}

function nodeRequest(req: IncomingMessage & { originalUrl?: string }): MediaRequest {
  return {
    method: req.method ?? "GET",
    // Express strips its mount path from `url`; `originalUrl` keeps the full path.
    url: req.originalUrl ?? req.url ?? "/",
    header: (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

/**
 * node:http / Connect / Express middleware. Requests it does not serve go to
 * `next()`, or get a 404 when there is no next.
 */
export function nodeMediaMiddleware(handler: MediaHandler) {
  return (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void => {
    handler(nodeRequest(req))
      .then(async (response) => {
        if (response) return sendNodeResponse(res, response);
        if (next) return next();
        res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("Not Found\n");
      })
      .catch((error: unknown) => {
        if (next) return next(error);
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
        res.end("Internal Server Error\n");
      });
  };
}

/** Fetch-style handler (Hono, Deno-style servers, workers): `null` when the request is not served. */
export function fetchMediaHandler(handler: MediaHandler) {
  return async (request: Request): Promise<Response | null> => {
    const url = new URL(request.url);
    const response = await handler({
      method: request.method,
      url: url.pathname + url.search,
      header: (name) => request.headers.get(name) ?? undefined,
    });
    if (response === null) return null;
    const body =
      response.body === undefined
        ? null
        : typeof response.body === "string"
          ? response.body
          : (Readable.toWeb(response.body) as ReadableStream<Uint8Array>);
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

interface FastifyLike {
  route(options: {
    method: string[];
    url: string;
    exposeHeadRoute?: boolean;
    handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<void>;
  }): unknown;
}
interface FastifyRequestLike {
  raw: IncomingMessage;
}
interface FastifyReplyLike {
  raw: ServerResponse;
  hijack(): void;
  callNotFound(): void;
}

/**
 * Fastify plugin: `app.register(fastifyMedia, { handler, prefixes })`. Every
 * method is routed so that non-GET requests get the same 405 as elsewhere.
 */
export async function fastifyMedia(
  fastify: FastifyLike,
  options: { handler: MediaHandler; prefixes: string[] },
): Promise<void> {
  for (const prefix of options.prefixes) {
    fastify.route({
      method: ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"],
      url: `${prefix}*`,
      exposeHeadRoute: false,
      handler: async (request, reply) => {
        const response = await options.handler(nodeRequest(request.raw));
        if (response === null) return reply.callNotFound();
        // The core already produced exact headers and body; Fastify must not re-encode them.
        reply.hijack();
        await sendNodeResponse(reply.raw, response);
      },
    });
  }
}
