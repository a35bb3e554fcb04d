/**
 * Fastify adapter: `app.register(fastifyPlugin(handler))`. Typed with
 * structural types of our own, so an app without Fastify type-checks
 * `stowage/serve` without it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { bodyStream } from "../body.js";
import type { ServeHandler, ServeResponse } from "../core.js";
import {
  discardBody,
  type NodeHandlerOptions,
  refusalMode,
  refusalToPass,
  respondAtHead,
} from "./node.js";

/** The part of a Fastify request the plugin reads. */
export interface FastifyRequestLike {
  raw: IncomingMessage;
}

/** The part of a Fastify reply the plugin uses. */
export interface FastifyReplyLike {
  raw: ServerResponse;
  code(statusCode: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}

/** The part of a Fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  addHook(
    name: "onRequest",
    hook: (
      request: FastifyRequestLike,
      reply: FastifyReplyLike,
      done: (error?: Error) => void,
    ) => void,
  ): unknown;
}

/** A Fastify plugin, as `app.register` takes it. */
export type FastifyPlugin = (
  instance: FastifyInstanceLike,
  options: unknown,
  done: (error?: Error) => void,
) => void;

/**
 * A Fastify plugin (Fastify 4 and 5) serving `handler` (any Stowage
 * handler). It answers from an `onRequest` hook, before routing, so no
 * wildcard route competes with the app's own; what the handler does not
 * serve goes on to the app's routes; with `{ refusals: "next" }` its
 * refusals go to the app's error handler (see `nodeHandler`). It is not encapsulated: the hook
 * applies to the instance that registers it, and so to all its routes.
 */
export function fastifyPlugin(
  handler: ServeHandler,
  options: NodeHandlerOptions = {},
): FastifyPlugin {
  const refusals = refusalMode(options, "fastifyPlugin");
  const stowageServe: FastifyPlugin = (instance, _options, done) => {
    instance.addHook("onRequest", (request, reply, next) => {
      const send = (response: ServeResponse | null): void => {
        if (response === null) {
          next();
          return;
        }
        // Fastify's error handler sees it, with its `status`.
        const refused = refusalToPass(response, refusals);
        if (refused) {
          next(refused);
          return;
        }
        const body = response.body;
        if (reply.raw.destroyed) {
          discardBody(body);
          return;
        }
        reply.code(response.status).headers(response.headers as Record<string, string>);
        if (body === null) reply.send();
        else if (Buffer.isBuffer(body)) reply.send(body);
        else reply.send(bodyStream(body));
      };
      const fail = (error: unknown): void =>
        next(error instanceof Error ? error : new Error(String(error)));
      respondAtHead(handler, request.raw, reply.raw, send, fail);
    });
    done();
  };
  // Fastify runs a plugin in a child context of its own unless the function carries
  // skip-override; the display name names it in Fastify's own messages.
  return Object.assign(stowageServe, {
    [Symbol.for("skip-override")]: true,
    [Symbol.for("fastify.display-name")]: "stowage-serve",
  });
}
