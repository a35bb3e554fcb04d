export { type DatabaseLocation, parseDatabaseUrl } from "../config/database-url.js";
export { createDatabase, type OpenDatabaseOptions, openDatabase } from "./database.js";
export { parseDuration } from "./duration.js";
export {
  CleanupConfigError,
  CleanupError,
  DatabaseError,
  InvalidDurationError,
  InvalidReferenceError,
  ReferenceColumnError,
  StorageListingError,
  UnknownStorageError,
} from "./errors.js";
export { createMedia, mediaFromConfig } from "./media.js";
export { ownerOf } from "./owners.js";
export type * from "./types.js";
