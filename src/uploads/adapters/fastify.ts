import type { IncomingMessage, ServerResponse } from "node:http";
import type { UploadOptions } from "../options.js";
import type { UploadResult } from "../result.js";
import { parseNodeUpload } from "./node.js";

/** The parts of Fastify this adapter touches; no runtime import of fastify. */
interface FastifyLike {
  addContentTypeParser(
    type: string | string[],
    parser: (
      request: unknown,
      payload: unknown,
      done: (error: Error | null, body?: unknown) => void,
    ) => void,
  ): void;
}

interface FastifyRequestLike {
  raw: IncomingMessage;
}

interface FastifyReplyLike {
  raw: ServerResponse;
}

const FORM_TYPES = ["multipart/form-data", "application/x-www-form-urlencoded"];

/**
 * A Fastify plugin (Fastify 4 and 5): registers content-type parsers for
 * forms that leave the body unread, so a route can stream it with
 * `parseFastifyUpload`. It is not encapsulated, so it applies to the routes
 * of the instance that registers it.
 */
export function stowageUploads(
  fastify: FastifyLike,
  _options: unknown,
  done: (error?: Error) => void,
): void {
  fastify.addContentTypeParser(FORM_TYPES, (_request, _payload, parsed) => parsed(null));
  done();
}
// Fastify runs a plugin in a child context of its own unless the function carries
// skip-override; the display name names it in Fastify's own messages.
Object.assign(stowageUploads, {
  [Symbol.for("skip-override")]: true,
  [Symbol.for("fastify.display-name")]: "stowage-uploads",
});

/**
 * Parse a Fastify request's body (the raw request) inside a handler; temp
 * files are removed after the response. Throw the error on: Fastify answers
 * with its `status` (413/400/408), or use `uploadErrorReply`.
 */
export function parseFastifyUpload(
  request: FastifyRequestLike,
  reply: FastifyReplyLike,
  options?: UploadOptions,
): Promise<UploadResult> {
  return parseNodeUpload(request.raw, reply.raw, options);
}
