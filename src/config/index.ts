export type { LoadConfigOptions } from "./load.js";
export { CONFIG_FILES, defineConfig, findConfigFile, loadConfig } from "./load.js";
export { ENV_OVERRIDES, resolveConfig } from "./resolve.js";
export type * from "./types.js";
