export {
  fastifyMedia,
  fetchMediaHandler,
  nodeMediaMiddleware,
  sendNodeResponse,
} from "./adapters.js";
export { mediaMountsFromConfig } from "./config.js";
export {
  createMediaHandler,
  type MediaHandler,
  type MediaHandlerOptions,
  type MediaMount,
  type MediaRequest,
  type MediaResponse,
} from "./handler.js";
export { isExecutableType, isNotModified, mediaHeaders } from "./headers.js";
export { nameFromPath } from "./path.js";
export { parseRange, type ResolvedRange } from "./range.js";
