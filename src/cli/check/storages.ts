import type { ConfigProblem, ResolvedConfig, StorageSpecInput } from "../../config/types.js";
import { StowageError } from "../../errors.js";
import { createStorage, createStoragesFromConfig, namedMediaUrl } from "../../storage/create.js";
import { missingDriverPackages, missingFeaturePackages } from "../../storage/packages.js";
import { parseStorageUrl, SECRET_SIGNING_DRIVERS, type StorageSpec } from "../../storage/spec.js";

interface ConfiguredStorage {
  key: string;
  spec: StorageSpecInput;
  baseUrl: string;
  /** Served only with a signature (a named storage that is not `public: true`). */
  signed: boolean;
}

function configuredStorages(config: ResolvedConfig): ConfiguredStorage[] {
  const out: ConfiguredStorage[] = [
    { key: "media.storage", spec: config.media.storage, baseUrl: config.media.url, signed: false },
  ];
  for (const [name, spec] of Object.entries(config.media.storages)) {
    out.push({
      key: `media.storages.${name}`,
      spec,
      baseUrl: namedMediaUrl(config.media.url, name),
      signed: true,
    });
  }
  if (config.static.storage !== undefined) {
    out.push({
      key: "static.storage",
      spec: config.static.storage,
      baseUrl: config.static.url,
      signed: false,
    });
  }
  return out;
}

function problemFrom(key: string, error: unknown): ConfigProblem {
  if (!(error instanceof StowageError)) throw error;
  const inner = (error as { key?: unknown }).key;
  return {
    level: "error",
    key: typeof inner === "string" && !inner.includes(".") ? `${key}.${inner}` : key,
    message: `${key}: ${error.message}`,
  };
}

/**
 * One storage: its spec as the storage module validates it when building
 * the storage (no I/O: drivers connect on first use), the npm packages its
 * driver loads that the app cannot resolve (a warning for one that only a
 * feature loads), and the secret its signed URLs need.
 */
function checkStorage(
  entry: ConfiguredStorage,
  config: ResolvedConfig,
  problems: ConfigProblem[],
): void {
  let spec: StorageSpec;
  try {
    spec =
      typeof entry.spec === "string" ? parseStorageUrl(entry.spec, config.baseDir) : entry.spec;
    createStorage(spec, { baseDir: config.baseDir, secret: config.secret, baseUrl: entry.baseUrl });
  } catch (error) {
    problems.push(problemFrom(entry.key, error));
    return;
  }
  const missing = missingDriverPackages(spec.driver, config.baseDir);
  if (missing.length > 0) {
    problems.push({
      level: "error",
      key: entry.key,
      message: `${entry.key} uses the ${spec.driver} driver, which needs ${missing.map((name) => `"${name}"`).join(", ")}, not installed in ${config.baseDir}. Install with: npm install ${missing.join(" ")}`,
    });
  }
  for (const { name, feature } of missingFeaturePackages(spec.driver, config.baseDir)) {
    problems.push({
      level: "warning",
      key: entry.key,
      message: `${entry.key} uses the ${spec.driver} driver: "${name}", which it needs for ${feature} only, is not installed in ${config.baseDir}. Before using ${feature}, install with: npm install ${name}`,
    });
  }
  const signed = entry.signed && spec.public !== true;
  if (signed && SECRET_SIGNING_DRIVERS.has(spec.driver) && !config.secret) {
    problems.push({
      level: "error",
      key: "secret",
      message: `${entry.key} is served with signed URLs, which the ${spec.driver} driver makes with a secret, but none is set; set "secret" or STOWAGE_SECRET (or mark the storage public: true).`,
    });
  }
}

/** Problems with every configured storage: `media.storage`, `media.storages.*`, `static.storage`. */
export function checkStorages(config: ResolvedConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const entry of configuredStorages(config)) checkStorage(entry, config, problems);
  if (problems.every((problem) => problem.level !== "error")) {
    // Rules between storages (a reserved name) live where the storages are built together.
    try {
      createStoragesFromConfig(config);
    } catch (error) {
      problems.push(problemFrom("media.storages", error));
    }
  }
  return problems;
}
