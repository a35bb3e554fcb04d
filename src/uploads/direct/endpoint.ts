import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable, Transform } from "node:stream";
import {
  MalformedUploadError,
  UploadAbortedError,
  UploadError,
  UploadSizeError,
} from "../errors.js";
import { uploadFormErrors } from "../responses.js";
import { TicketError } from "./errors.js";
import type { ResolvedDirectOptions } from "./options.js";
import { assertNotExpired, type Ticket, verifyTicket } from "./ticket.js";

/** One request to the endpoint, whatever server it came through. */
export interface EndpointRequest {
  method: string;
  /** URL path, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  contentLength: string | undefined;
  body: Readable | ReadableStream<Uint8Array> | null;
}

/** What to answer: a status and a JSON body. */
export interface EndpointReply {
  status: number;
  body: { success: true; key: string } | { success: false; errors: Record<string, string[]> };
  headers?: Record<string, string>;
}

/** Where a ticket's single use is recorded: one empty object per ticket, created exclusively. */
export function claimName(options: ResolvedDirectOptions, ticket: Ticket): string {
  return `${options.pendingPrefix}claims/${ticket.key.slice(options.pendingPrefix.length)}`;
}

/**
 * Records the first use of a ticket. The storage's name policy never
 * overwrites, so exactly one caller gets the claim's own name back, across
 * processes sharing the storage; every other use is refused.
 */
export async function claimTicket(options: ResolvedDirectOptions, ticket: Ticket): Promise<void> {
  const storage = options.storages[ticket.storage];
  const wanted = claimName(options, ticket);
  const got = await storage.save(wanted, "", { contentType: "application/octet-stream" });
  if (got !== wanted) {
    await storage.delete(got);
    throw new TicketError("used");
  }
}

/** Passes bytes through and fails the stream once more than `max` have passed. */
function limitBytes(max: number, field: string): Transform & { seen(): number } {
  let seen = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > max) done(new UploadSizeError("fileSize", max, seen, { field }));
      else done(null, chunk);
    },
  });
  return Object.assign(limited, { seen: () => seen });
}

/**
 * Stowage's own upload endpoint, for storages without a native upload grant
 * (fs, memory): a PUT of the raw bytes to `endpoint + pending key`, allowed
 * by the signed, expiring, single-use ticket in the query. The size limit
 * holds while the bytes stream in; a refused or broken upload leaves nothing
 * under the pending name.
 */
export async function receiveDirectUpload(
  options: ResolvedDirectOptions,
  request: EndpointRequest,
): Promise<EndpointReply> {
  try {
    if (request.method !== "PUT") {
      return {
        status: 405,
        headers: { Allow: "PUT" },
        body: { success: false, errors: { __all__: ["Send the file with PUT."] } },
      };
    }
    const ticket = verifyTicket(options.secret, request.query.get("ticket"));
    let key: string;
    try {
      key = decodeURIComponent(request.path.slice(options.endpoint.length));
    } catch (error) {
      throw new TicketError("other-key", { cause: error });
    }
    if (ticket.method !== "direct" || key !== ticket.key) throw new TicketError("other-key");
    assertNotExpired(ticket.expires);
    const field = options.fields[ticket.field];
    if (!field) throw new TicketError("invalid");
    const length = request.contentLength;
    if (length !== undefined) {
      if (!/^\d+$/.test(length)) throw new MalformedUploadError("Content-Length is not a number.");
      if (Number(length) > field.maxSize) {
        throw new UploadSizeError("fileSize", field.maxSize, Number(length), {
          field: ticket.field,
          complete: true,
        });
      }
    }
    if (request.body === null) throw new MalformedUploadError("The request has no body.");
    await claimTicket(options, ticket);
    const source =
      request.body instanceof Readable
        ? request.body
        : Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>);
    const limited = limitBytes(field.maxSize, ticket.field);
    // A client that goes away mid-body interrupted its upload; the store did not fail.
    source.once("error", (error) =>
      limited.destroy(new UploadAbortedError(limited.seen(), { cause: error })),
    );
    const storage = options.storages[ticket.storage];
    const saved = await storage.save(ticket.key, source.pipe(limited), {
      contentType: ticket.type,
    });
    if (saved !== ticket.key) {
      await storage.delete(saved);
      throw new TicketError("used");
    }
    return { status: 201, body: { success: true, key: ticket.key } };
  } catch (error) {
    const cause = findUploadError(error);
    const errors = uploadFormErrors(cause);
    if (errors === undefined) throw error;
    return { status: (cause as UploadError).status, body: { success: false, errors } };
  }
}

/** The upload error behind a storage failure (a limit tripped inside save's stream). */
function findUploadError(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current instanceof UploadError) return current;
    current = current.cause;
  }
  return error;
}

function nodeRequest(req: IncomingMessage, url: URL): EndpointRequest {
  return {
    method: req.method ?? "GET",
    path: url.pathname,
    query: url.searchParams,
    contentLength: req.headers["content-length"],
    body: req,
  };
}

/**
 * node:http / Express / Connect: answers requests under `endpoint`, passes
 * others to `next` (or 404 without one).
 */
export function nodeEndpoint(
  options: ResolvedDirectOptions,
): (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void {
  return (req, res, next) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith(options.endpoint)) {
      if (next) next();
      else res.writeHead(404).end();
      return;
    }
    receiveDirectUpload(options, nodeRequest(req, url)).then(
      (reply) => {
        // An answer before the body was read whole: the connection cannot carry another request.
        if (!req.readableEnded) res.setHeader("Connection", "close");
        res.writeHead(reply.status, { "Content-Type": "application/json", ...reply.headers });
        res.end(JSON.stringify(reply.body));
      },
      (error) => {
        if (next) next(error);
        else res.writeHead(500).end();
      },
    );
  };
}

/** fetch runtimes: a `Response` for requests under `endpoint`, `null` for the others. */
export function fetchEndpoint(
  options: ResolvedDirectOptions,
): (request: Request) => Promise<Response | null> {
  return async (request) => {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(options.endpoint)) return null;
    const reply = await receiveDirectUpload(options, {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      contentLength: request.headers.get("content-length") ?? undefined,
      body: request.body,
    });
    return Response.json(reply.body, { status: reply.status, headers: reply.headers });
  };
}

/** The parts of a Fastify request and reply an `onRequest` hook uses. */
export interface FastifyHookRequest {
  raw: IncomingMessage;
}
export interface FastifyHookReply {
  raw: ServerResponse;
  hijack(): void;
}
export type FastifyOnRequest = (
  request: FastifyHookRequest,
  reply: FastifyHookReply,
  done: (error?: Error) => void,
) => void;

/**
 * Fastify: an `onRequest` hook that answers under `path` with a node
 * handler before Fastify parses the body (the handler streams it itself).
 */
export function fastifyHook(
  path: string,
  handle: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void,
): FastifyOnRequest {
  return (request, reply, done) => {
    if (!(request.raw.url ?? "/").startsWith(path)) return done();
    reply.hijack();
    handle(request.raw, reply.raw, (error) => {
      if (!reply.raw.headersSent) reply.raw.writeHead(error ? 500 : 404);
      reply.raw.end();
    });
  };
}
