export {
  type CreateStorageOptions,
  createStorage,
  createStoragesFromConfig,
  namedMediaUrl,
  type StorageConfigInput,
} from "./create.js";
export {
  bodyStream,
  type DriverBody,
  type DriverWriteOptions,
  isLocalFile,
  type StorageDriver,
  toReadable,
} from "./driver.js";
export { type AzureOptions, azureDriver } from "./drivers/azure.js";
export { type FsOptions, fsDriver } from "./drivers/fs.js";
export { type GcsOptions, gcsDriver } from "./drivers/gcs.js";
export { type MemoryOptions, memoryDriver } from "./drivers/memory.js";
export { type S3Options, s3Driver } from "./drivers/s3.js";
export {
  InvalidNameError,
  InvalidRangeError,
  NameConflictError,
  NameTakenError,
  SignatureExpiredError,
  SignatureInvalidError,
  StorageDriverError,
  StorageNotFoundError,
} from "./errors.js";
export {
  alternativeName,
  candidateNames,
  checkName,
  cleanSegment,
  DEFAULT_MAX_LENGTH,
  randomSuffix,
  splitName,
  validName,
} from "./names.js";
export { signature, signQuery, verifyQuery } from "./signing.js";
export { parseStorageUrl, type StorageSpec, toSpec } from "./spec.js";
export { createPolicyStorage, type PolicyOptions } from "./storage.js";
export type * from "./types.js";
export { localFile } from "./types.js";
