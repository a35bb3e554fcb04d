import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError } from "../errors.js";
import { resolveConfig } from "./resolve.js";
import type { ResolvedConfig, StowageConfig } from "./types.js";

/** Config file names, in the order they are tried in each folder. */
export const CONFIG_FILES = [
  "stowage.config.ts",
  "stowage.config.mjs",
  "stowage.config.js",
  "stowage.config.json",
] as const;

/** Walk up from `cwd` to the filesystem root and return the first config file found. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILES) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function importConfig(file: string): Promise<unknown> {
  if (file.endsWith(".json")) {
    const text = await readFile(file, "utf8");
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`${file}: not valid JSON (${(error as Error).message}).`, {
        cause: error,
      });
    }
  }
  try {
    if (file.endsWith(".ts")) {
      // jiti compiles TypeScript on the fly, so Node 20 can read a .ts config.
      const { createJiti } = await import("jiti");
      const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false });
      return await jiti.import(file, { default: true });
    }
    const mod = (await import(`${pathToFileURL(file).href}?t=${Date.now()}`)) as {
      default?: unknown;
    };
    return mod.default;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${file}: could not be loaded: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export interface LoadConfigOptions {
  /** Folder to start the search from. @default process.cwd() */
  cwd?: string;
  /** An explicit config file (`--config PATH`); no search when given. */
  file?: string;
  /** Environment used for overrides. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * Find, load, validate and resolve the configuration. Without a config file
 * the defaults apply, relative to `cwd`.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  let file: string | undefined;
  if (options.file) {
    file = path.resolve(cwd, options.file);
    if (!existsSync(file)) throw new ConfigError(`Config file ${file} does not exist.`);
  } else {
    file = findConfigFile(cwd);
  }
  if (!file) return resolveConfig({}, cwd, { env });
  const raw = await importConfig(file);
  if (raw === undefined || raw === null) {
    throw new ConfigError(`${file}: the config file has no default export.`);
  }
  return resolveConfig(raw, path.dirname(file), { file, env });
}

/** Identity helper that gives a config file type checking and completion. */
export function defineConfig(config: StowageConfig): StowageConfig {
  return config;
}
