export { variantFastify } from "./fastify.js";
export { variantFetchHandler } from "./fetch.js";
export {
  createVariantHandler,
  nameFromTarget,
  type VariantHandler,
  type VariantHandlerOptions,
  type VariantRequest,
  type VariantResponse,
} from "./handler.js";
export { type VariantNodeHandler, variantNodeHandler } from "./node.js";
