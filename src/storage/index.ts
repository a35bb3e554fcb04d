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
export {
  type AzureContainerClientLike,
  type AzureOptions,
  azureDriver,
  azureSchema,
} from "./drivers/azure.js";
export { type FsOptions, fsDriver, fsSchema } from "./drivers/fs.js";
export { type GcsClientLike, type GcsOptions, gcsDriver, gcsSchema } from "./drivers/gcs.js";
export { type MemoryOptions, memoryDriver, memorySchema } from "./drivers/memory.js";
export { type S3ClientLike, type S3Options, s3Driver, s3Schema } from "./drivers/s3.js";
export {
  FolderConflictError,
  InvalidArgumentError,
  InvalidMetadataError,
  InvalidNameError,
  InvalidRangeError,
  NameConflictError,
  NameTakenError,
  SaveAbortedError,
  SignatureExpiredError,
  SignatureInvalidError,
  StorageDriverError,
  StorageNotFoundError,
} from "./errors.js";
export { MAX_METADATA_BYTES } from "./metadata.js";
export {
  alternativeName,
  candidateNames,
  checkName,
  cleanSegment,
  DEFAULT_MAX_LENGTH,
  MAX_SEGMENT_BYTES,
  randomSuffix,
  splitName,
  validName,
} from "./names.js";
export {
  DRIVER_FEATURE_PACKAGES,
  DRIVER_PACKAGES,
  type FeaturePackage,
  missingDriverPackages,
  missingFeaturePackages,
} from "./packages.js";
export type { Field, Schema } from "./schema.js";
export {
  DEFAULT_EXPIRES_IN,
  MAX_EXPIRES_IN,
  signature,
  signQuery,
  verifyQuery,
} from "./signing.js";
export { parseStorageUrl, type SpecOptions, type StorageSpec } from "./spec.js";
export { createPolicyStorage, type PolicyOptions } from "./storage.js";
export type * from "./types.js";
export { localFile } from "./types.js";
