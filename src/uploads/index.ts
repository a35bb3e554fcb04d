export { type UploadRequestFields, uploadMiddleware } from "./adapters/express.js";
export { parseFastifyUpload, stowageUploads } from "./adapters/fastify.js";
export {
  parseRequestUpload,
  type UploadErrorResponseOptions,
  uploadErrorResponse,
} from "./adapters/fetch.js";
export { parseNodeUpload } from "./adapters/node.js";
export { uploadOptionsFromConfig } from "./config.js";
export { BodyConsumedError } from "./consumed.js";
export {
  ChecksumMismatchError,
  type ConfirmedUpload,
  type ConfirmOptions,
  clientAssetDir,
  createDirectUploads,
  type DirectField,
  type DirectUploadOptions,
  type DirectUploads,
  PendingUploadMissingError,
  type PreparedUpload,
  type PrepareRequest,
  type ResolvedDirectOptions,
  type SweepPendingOptions,
  type SweepPendingReport,
  type Ticket,
  TicketError,
  type TicketProblem,
  type TrackingUnit,
  type TusDataStore,
  type TusOptions,
  type TusUploads,
} from "./direct/index.js";
export {
  type CountLimit,
  type FieldError,
  MalformedUploadError,
  type SizeLimit,
  type TimeLimit,
  UnexpectedFileError,
  UnsafeFilenameError,
  UploadAbortedError,
  UploadCountError,
  UploadError,
  type UploadErrorStatus,
  UploadSizeError,
  UploadTimeoutError,
  UploadValidationError,
} from "./errors.js";
export { UploadedFile } from "./file.js";
export { formatBytes, KB, MB } from "./format.js";
export {
  extensionOf,
  sanitizeFilename,
  storageSafeName,
  type UnsafeFilenameReason,
  type UploadContext,
  UploadNameError,
  type UploadTo,
  unsafeFilenameReason,
  uploadName,
} from "./naming.js";
export {
  defaultTmpDir,
  type FileFieldOptions,
  type ResolvedFileField,
  type ResolvedUploadOptions,
  resolveUploadOptions,
  UPLOAD_DEFAULTS,
  type UploadConfig,
  type UploadOptions,
} from "./options.js";
export { parseUpload } from "./parse.js";
export { type HeadersLike, type UploadInput, type UploadRequest, wantsJson } from "./request.js";
export {
  NON_FIELD_ERRORS,
  type UploadErrorFormReply,
  type UploadErrorJson,
  type UploadErrorJsonReply,
  type UploadErrorReply,
  uploadErrorReply,
  uploadFormErrors,
} from "./responses.js";
export { UploadResult } from "./result.js";
export { detectContentType, typeAgreesWithExtension } from "./sniff.js";
export {
  type DimensionRules,
  extensions,
  imageDimensions,
  maxSize,
  minSize,
  realType,
  type Validator,
} from "./validators.js";
