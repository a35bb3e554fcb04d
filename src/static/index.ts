export { checkConfig } from "./check.js";
export type { Problem } from "./check.js";
export { collect, VARIANT_EXTENSIONS } from "./collect/index.js";
export type { CollectOptions, CollectPhase, CollectSummary } from "./collect/index.js";
export { LayoutError } from "./collect/layout.js";
export {
  createFinder,
  DEFAULT_IGNORE,
  Finder,
  InvalidFileNameError,
  SourceDirError,
  UnreadableFileError,
} from "./finders.js";
export type { Duplicate, FinderListing, FinderOptions, FoundFile } from "./finders.js";
export { hashedName, hashFiles, MissingReferenceError } from "./hashing.js";
export {
  buildManifest,
  MANIFEST_NAME,
  ManifestError,
  parseManifest,
  readManifestSync,
} from "./manifest.js";
export type { Manifest } from "./manifest.js";
export { createStaticUrls, MissingManifestEntryError, StaticUrls } from "./url.js";
export type { StaticUrlOptions, ViteTagsOptions } from "./url.js";
