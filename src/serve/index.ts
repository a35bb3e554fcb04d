/**
 * `stowage/serve`: static files, media and image variants as handlers, and
 * one adapter per framework that serves any of them.
 *
 *   const files = createStaticFiles(staticOptionsFromConfig(config));
 *   const media = createMediaHandler(mediaOptionsFromConfig(config));
 *   app.use(nodeHandler(files));                   // node:http, Connect, Express
 *   fastify.register(fastifyPlugin(media));        // Fastify
 *   const handle = fetchHandler(combineHandlers(files, media)); // Hono, Bun, Deno
 */
export {
  type FastifyInstanceLike,
  type FastifyPlugin,
  type FastifyReplyLike,
  type FastifyRequestLike,
  fastifyPlugin,
} from "./adapters/fastify.js";
export { type FetchHandler, type FetchHandlerOptions, fetchHandler } from "./adapters/fetch.js";
export {
  type NextFunction,
  type NodeHandler,
  type NodeHandlerOptions,
  nodeHandler,
  RequestRefusedError,
} from "./adapters/node.js";
export { BodyLengthError, SendTimeoutError } from "./body.js";
export {
  combineHandlers,
  type ResponseBody,
  type ServeHandler,
  type ServeRequest,
  type ServeResponse,
  type StreamBody,
} from "./core.js";
export { chooseEncoding, type Encoding, parseAcceptEncoding } from "./encoding.js";
export { CACHE_DEV, CACHE_IMMUTABLE, CACHE_PRIVATE, CACHE_SHORT } from "./headers.js";
export { type MediaConfigInput, mediaOptionsFromConfig } from "./media/config.js";
export {
  createMediaHandler,
  type MediaHandlerOptions,
  type MediaMount,
} from "./media/handler.js";
export { contentTypeFor, isExecutableType } from "./mime.js";
export { parseRange, type RangeResult } from "./range.js";
export {
  closeGracefully,
  createStandaloneServer,
  formatLogLine,
  type StandaloneServerOptions,
} from "./server.js";
export {
  createStaticFiles,
  type DevOptions,
  type ProductionOptions,
  StaticFiles,
  type StaticFilesOptions,
  staticOptionsFromConfig,
} from "./static/files.js";
export { StaticRootError, type TableOptions } from "./static/table.js";
export {
  createVariantHandler,
  type VariantHandlerOptions,
  variantOptionsFromConfig,
} from "./variants/handler.js";
