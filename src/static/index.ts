export { checkStaticConfig } from "./check.js";
export type { CollectOptions, CollectPhase, CollectSummary } from "./collect/index.js";
export { CollectLockedError, collect, VARIANT_EXTENSIONS } from "./collect/index.js";
export { LayoutError } from "./collect/layout.js";
export type { Duplicate, FinderListing, FinderOptions, FoundFile } from "./finders.js";
export {
  createFinder,
  DEFAULT_IGNORE,
  Finder,
  InvalidFileNameError,
  SourceDirError,
  UnreadableFileError,
} from "./finders.js";
export { hashedName, hashFiles, MissingReferenceError } from "./hashing.js";
export type { Manifest } from "./manifest.js";
export {
  buildManifest,
  MANIFEST_NAME,
  ManifestError,
  parseManifest,
  readManifestSync,
} from "./manifest.js";
export type { StaticUrlOptions, StaticUrlsConfigOptions, ViteTagsOptions } from "./url.js";
export {
  createStaticUrls,
  MissingManifestEntryError,
  StaticUrls,
  staticUrlsFromConfig,
} from "./url.js";
