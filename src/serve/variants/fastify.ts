/** Fastify plugin for the variant handler: `app.register(variantFastify, options)`. */
import type { FastifyPluginAsync } from "fastify";
import fp from "fastify-plugin";
import { createVariantHandler, type VariantHandlerOptions } from "./handler.js";

const plugin: FastifyPluginAsync<VariantHandlerOptions> = async (fastify, options) => {
  const handle = createVariantHandler(options);
  // An onRequest hook answers before routing, so no wildcard route competes with the app's own.
  fastify.addHook("onRequest", async (request, reply) => {
    const response = await handle({ method: request.method, target: request.raw.url ?? "/" });
    if (response === null) return;
    reply.code(response.status).headers(response.headers);
    return reply.send(response.body);
  });
};

/** Serves declared image variants in a Fastify app; other paths fall through to its routes. */
export const variantFastify = fp(plugin, { name: "stowage-variants", fastify: "5.x" });
