/**
 * `stowage/serve`: serve static files from any Node framework.
 *
 *   const files = createStaticFiles(staticOptionsFromConfig(config));
 *   app.use(nodeHandler(files));             // node:http, Connect, Express
 *   fastify.register(stowageFastify, { files });
 *   const handle = fetchHandler(files);      // Hono, Bun, Deno
 */
export { type FastifyStaticOptions, stowageFastify } from "./adapters/fastify.js";
export { type FetchHandler, fetchHandler, toFetchResponse } from "./adapters/fetch.js";
export {
  type NextFunction,
  type NodeHandler,
  nodeHandler,
  sendNodeResponse,
} from "./adapters/node.js";
export type { FileSlice, ServeRequest, ServeResponse } from "./core.js";
export { chooseEncoding, type Encoding, parseAcceptEncoding } from "./encoding.js";
export {
  createStaticFiles,
  type DevOptions,
  type ProductionOptions,
  StaticFiles,
  type StaticFilesOptions,
  staticOptionsFromConfig,
} from "./files.js";
export { CACHE_DEV, CACHE_IMMUTABLE, CACHE_SHORT, contentTypeFor } from "./headers.js";
// Media and image variants.
export {
  createMediaHandler,
  fastifyMedia,
  fetchMediaHandler,
  isExecutableType,
  type MediaHandler,
  type MediaHandlerOptions,
  type MediaMount,
  type MediaRequest,
  type MediaResponse,
  mediaHeaders,
  mediaMountsFromConfig,
  nodeMediaMiddleware,
} from "./media/index.js";
export { parseRange, type RangeResult } from "./range.js";
export {
  closeGracefully,
  createStaticServer,
  formatLogLine,
  type StaticServerOptions,
} from "./server.js";
export { StaticRootError, type TableOptions } from "./table.js";
export {
  createVariantHandler,
  type VariantHandler,
  type VariantHandlerOptions,
  type VariantNodeHandler,
  type VariantRequest,
  type VariantResponse,
  variantFastify,
  variantFetchHandler,
  variantNodeHandler,
} from "./variants/index.js";
