export type {
  ConfigProblem,
  LoadConfigOptions,
  ResolvedConfig,
  StowageConfig,
} from "./config/index.js";
export { defineConfig, loadConfig, resolveConfig } from "./config/index.js";
export {
  ConfigError,
  MissingDependencyError,
  PathTraversalError,
  StowageError,
} from "./errors.js";
export { createStaticUrls, StaticUrls, staticUrlsFromConfig } from "./static/url.js";
