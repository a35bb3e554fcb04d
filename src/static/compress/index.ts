export type { CompressionFormat } from "../../config/types.js";
export {
  type CompressJob,
  type CompressOutcome,
  type Compressor,
  createCompressor,
} from "./compressor.js";
export {
  CompressionFailedError,
  CompressionUnavailableError,
  CompressorClosedError,
} from "./errors.js";
export { availableFormats, type CompressorOptions } from "./options.js";
export { isWorthKeeping, MIN_COMPRESS_SIZE, shouldCompress } from "./skip.js";
