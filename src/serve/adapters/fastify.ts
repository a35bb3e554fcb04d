/** Fastify plugin: `app.register(stowageFastify, options)`. */
import { createReadStream } from "node:fs";
import type { FastifyPluginCallback } from "fastify";
import fp from "fastify-plugin";
import { createStaticFiles, StaticFiles, type StaticFilesOptions } from "../files.js";

/** Plugin options: a prepared `StaticFiles` (`{ files }`) or the options to build one. */
export type FastifyStaticOptions = { files: StaticFiles } | StaticFilesOptions;

const plugin: FastifyPluginCallback<FastifyStaticOptions> = (fastify, options, done) => {
  const files =
    "files" in options && options.files instanceof StaticFiles
      ? options.files
      : createStaticFiles(options as StaticFilesOptions);
  // An onRequest hook answers before routing, so no wildcard route competes with the app's own.
  fastify.addHook("onRequest", (request, reply, next) => {
    const headers = request.headers;
    const response = files.respond({
      method: request.method,
      target: request.raw.url ?? "/",
      acceptEncoding: headers["accept-encoding"],
      range: headers.range,
      ifNoneMatch: headers["if-none-match"],
      ifModifiedSince: headers["if-modified-since"],
      ifRange: headers["if-range"] as string | undefined,
    });
    if (response === null) {
      next();
      return;
    }
    reply.code(response.status).headers(response.headers);
    const body = response.body;
    if (body === null) reply.send();
    else if (Buffer.isBuffer(body)) reply.send(body);
    else reply.send(createReadStream(body.file, { start: body.start, end: body.end }));
  });
  done();
};

/** Serves static files in a Fastify app; unknown paths fall through to the app's routes. */
export const stowageFastify = fp(plugin, { name: "stowage-static", fastify: "5.x" });
