/** node:http / Connect / Express adapter: `(req, res, next?)` over any handler. */
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { pipeline } from "node:stream";
import { ConfigError, StowageError } from "../../errors.js";
import { refuseUnknownKeys } from "../../option-keys.js";
import { bodyStream } from "../body.js";
import {
  isPromise,
  notFound,
  type ResponseBody,
  type ServeHandler,
  type ServeRequest,
  type ServeResponse,
  textResponse,
} from "../core.js";

export type NextFunction = (error?: unknown) => void;
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => void;

/** The request fields handlers read, from a node request. */
function nodeRequest(req: IncomingMessage): ServeRequest {
  const headers = req.headers;
  return {
    method: req.method ?? "GET",
    // Express strips its mount path from `url`; `originalUrl` keeps the whole target.
    target: (req as { originalUrl?: string }).originalUrl ?? req.url ?? "/",
    acceptEncoding: headers["accept-encoding"],
    range: headers.range,
    ifNoneMatch: headers["if-none-match"],
    ifModifiedSince: headers["if-modified-since"],
    ifRange: headers["if-range"] as string | undefined,
  };
}

/**
 * Responses a connection may have waiting behind the one being sent.
 * Browsers never pipeline, and pipelining clients keep a few requests in
 * flight; one that queues more without reading the answers is cut off, so
 * a connection cannot hold memory without bound (node itself keeps parsing
 * pipelined requests however many wait).
 */
export const MAX_PIPELINED = 64;

const waiting = new WeakMap<Socket, number>();

const INTERNAL_ERROR = textResponse(500, "Internal Server Error");

/**
 * Run `answer` once `res` is the response the connection is sending. A
 * pipelined request's response waits in node's queue until the ones before
 * it finish; answering it early would open its file (or storage stream) and
 * hold it while it waits, and node never closes a queued response when the
 * client goes away, so that stream would never be closed. Answered at the
 * head of the queue, every opened stream belongs to a response whose `close`
 * fires when its socket goes away; waiting responses hold nothing but their
 * request.
 */
function whenAtHead(req: IncomingMessage, res: ServerResponse, answer: () => void): void {
  if (res.socket) {
    answer();
    return;
  }
  const socket = req.socket;
  const queued = (waiting.get(socket) ?? 0) + 1;
  if (queued > MAX_PIPELINED) {
    socket.destroy();
    return;
  }
  waiting.set(socket, queued);
  res.once("socket", () => {
    waiting.set(socket, (waiting.get(socket) ?? 1) - 1);
    answer();
  });
}

/**
 * Ask `handler` about `req` once `res` heads its connection's queue (see
 * `whenAtHead`); `send` gets the answer, `fail` whatever the handler threw
 * or rejected with. Every node-based adapter answers through here.
 */
export function respondAtHead(
  handler: ServeHandler,
  req: IncomingMessage,
  res: ServerResponse,
  send: (response: ServeResponse | null) => void,
  fail: (error: unknown) => void,
): void {
  whenAtHead(req, res, () => {
    let answer: ReturnType<ServeHandler["respond"]>;
    try {
      answer = handler.respond(nodeRequest(req));
    } catch (error) {
      fail(error);
      return;
    }
    if (isPromise(answer)) answer.then(send, fail);
    else send(answer);
  });
}

/**
 * What a server with no next handler sends: 404 for a request nothing
 * served, 500 for a handler error (the connection is cut when the headers
 * are gone already).
 */
export function answerUnserved(req: IncomingMessage, res: ServerResponse, error?: unknown): void {
  if (error === undefined) writeNodeResponse(res, notFound(req.method ?? "GET"));
  else if (res.headersSent) res.destroy();
  else writeNodeResponse(res, INTERNAL_ERROR);
}

/** Release a body that will not be sent. */
export function discardBody(body: ResponseBody): void {
  if (body !== null && !Buffer.isBuffer(body)) body.stream.destroy();
}

/**
 * Write a plan: bytes in memory in one call, streams piped with their length
 * checked. A stream that fails or ends short cuts the connection (the
 * headers are gone already); a client that goes away destroys the stream.
 */
function writeNodeResponse(res: ServerResponse, response: ServeResponse): void {
  const body = response.body;
  if (res.destroyed) {
    discardBody(body);
    return;
  }
  res.writeHead(response.status, response.flat as string[]);
  if (body === null) res.end();
  else if (Buffer.isBuffer(body)) res.end(body);
  else pipeline(bodyStream(body), res, () => undefined);
}

/** Options of `nodeHandler` and `fastifyPlugin`. */
export interface NodeHandlerOptions {
  /**
   * The handler's refusals (400, 403, 404, 405, 422: a bad or expired
   * signed link, a missing file, a method files do not take): `"answer"`
   * sends its short text; `"next"` passes a `RequestRefusedError` (with
   * `status` and the text as its message) to `next`, so the app's error
   * handler renders its own page. Without `next` the text is sent.
   * @default "answer"
   */
  refusals?: "answer" | "next";
}

/** Statuses the handlers answer with a short text of their own, which an app may prefer to render. */
const REFUSALS = new Set([400, 403, 404, 405, 422]);

/** A request Stowage's handler refused, passed to the app (`refusals: "next"`). */
export class RequestRefusedError extends StowageError {
  constructor(status: number, message: string) {
    super("E_REQUEST_REFUSED", message, { status });
  }
}

/** The `refusals` option of an adapter, checked (`what` names the adapter). */
export function refusalMode(options: NodeHandlerOptions, what: string): "answer" | "next" {
  refuseUnknownKeys(options, ["refusals"], what);
  const refusals = options.refusals ?? "answer";
  if (refusals !== "answer" && refusals !== "next") {
    throw new ConfigError(
      `${what}'s refusals must be "answer" or "next", not ${JSON.stringify(refusals)}.`,
      { key: "refusals" },
    );
  }
  return refusals;
}

/** The error to hand the app instead of `response`, or null to send `response`. */
export function refusalToPass(
  response: ServeResponse,
  mode: "answer" | "next",
): RequestRefusedError | null {
  if (mode !== "next" || !REFUSALS.has(response.status)) return null;
  discardBody(response.body);
  const text = Buffer.isBuffer(response.body) ? response.body.toString("utf8").trim() : "";
  return new RequestRefusedError(
    response.status,
    text || STATUS_CODES[response.status] || "Refused",
  );
}

/**
 * Middleware for node:http, Connect and Express over any Stowage handler
 * (`createStaticFiles`, `createMediaHandler`, `createVariantHandler`,
 * `combineHandlers`). What the handler does not serve goes to `next()`;
 * without `next` (a bare node:http server) it gets a 404. A handler error
 * goes to `next(error)`, or a 500 without `next`.
 */
export function nodeHandler(handler: ServeHandler, options: NodeHandlerOptions = {}): NodeHandler {
  const refusals = refusalMode(options, "nodeHandler");
  return (req, res, next) => {
    const send = (response: ServeResponse | null): void => {
      const refused = response !== null && next ? refusalToPass(response, refusals) : null;
      if (refused) next!(refused);
      else if (response !== null) writeNodeResponse(res, response);
      else if (next) next();
      else answerUnserved(req, res);
    };
    const fail = (error: unknown): void => {
      if (next) next(error);
      else answerUnserved(req, res, error);
    };
    respondAtHead(handler, req, res, send, fail);
  };
}
