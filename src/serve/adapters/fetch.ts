/** Fetch adapter, `(Request) => Promise<Response | null>`, for Hono, Bun and Deno, over any handler. */
import { Readable } from "node:stream";
import { refuseUnknownKeys } from "../../option-keys.js";
import { bodyStream, SendTimeoutError } from "../body.js";
import type { ServeHandler, ServeRequest, ServeResponse } from "../core.js";

export type FetchHandler = (request: Request) => Promise<Response | null>;

export interface FetchHandlerOptions {
  /**
   * Milliseconds a streamed body may wait for the runtime to read from it
   * before it is closed. Runtimes that never say
   * a client went away (`@hono/node-server` with a pipelined request still
   * queued) would otherwise hold its file open for good.
   * @default 60000
   */
  sendTimeout?: number;
}

/** The request target (path + query) of an absolute URL, without re-parsing it. */
function targetOf(url: string): string {
  const authority = url.indexOf("//");
  const slash = url.indexOf("/", authority === -1 ? 0 : authority + 2);
  return slash === -1 ? "/" : url.slice(slash);
}

function fetchRequest(request: Request): ServeRequest {
  const headers = request.headers;
  return {
    method: request.method,
    target: targetOf(request.url),
    acceptEncoding: headers.get("accept-encoding") ?? undefined,
    range: headers.get("range") ?? undefined,
    ifNoneMatch: headers.get("if-none-match") ?? undefined,
    ifModifiedSince: headers.get("if-modified-since") ?? undefined,
    ifRange: headers.get("if-range") ?? undefined,
  };
}

/**
 * Turn a plan into a `Response`. A streamed body is closed when the
 * runtime cancels it, when the request is aborted (the client went away) or
 * when nothing reads from it for `sendTimeout`, and errors (cutting the
 * connection) if it would deliver fewer bytes than announced.
 */
function toResponse(response: ServeResponse, signal: AbortSignal, sendTimeout: number): Response {
  const body = response.body;
  let payload: BodyInit | null = null;
  if (Buffer.isBuffer(body)) {
    payload = body as unknown as BodyInit;
  } else if (body !== null) {
    if (signal.aborted) {
      body.stream.destroy();
    } else {
      const stream = bodyStream(body);
      const abort = () => stream.destroy();
      const timeout = () => stream.destroy(new SendTimeoutError(sendTimeout));
      signal.addEventListener("abort", abort, { once: true });
      let idle = setTimeout(timeout, sendTimeout);
      stream.on("data", () => {
        clearTimeout(idle);
        idle = setTimeout(timeout, sendTimeout);
      });
      stream.once("close", () => {
        clearTimeout(idle);
        signal.removeEventListener("abort", abort);
      });
      payload = Readable.toWeb(stream) as unknown as BodyInit;
    }
  }
  return new Response(payload, { status: response.status, headers: response.headers });
}

/**
 * A fetch handler over any Stowage handler: a `Response` for what it serves,
 * `null` for anything else so the framework carries on (in Hono:
 * `app.use("*", async (c, next) => (await handle(c.req.raw)) ?? next())`).
 * Runtimes hand over URLs already parsed and normalised, so dot segments are
 * resolved before we see them; the handlers' lookups keep the guarantee anyway.
 */
export function fetchHandler(
  handler: ServeHandler,
  options: FetchHandlerOptions = {},
): FetchHandler {
  refuseUnknownKeys(options, ["sendTimeout"], "fetchHandler");
  const sendTimeout = options.sendTimeout ?? 60_000;
  return async (request) => {
    const response = await handler.respond(fetchRequest(request));
    return response === null ? null : toResponse(response, request.signal, sendTimeout);
  };
}
