import { createRequire } from "node:module";
/**
 * Every error Stowage throws on purpose is a `StowageError` with a stable
 * `code`. Callers branch on `code`, never on message text, so messages can be
 * improved without breaking anyone.
 *
 * Each module declares its own subclasses next to the code that throws them
 * (e.g. `src/storage/errors.ts`); the ones shared by several modules live here.
 */
export class StowageError extends Error {
  /** Stable machine-readable code, e.g. `E_MISSING_REFERENCE`. */
  readonly code: string;
  /** Suggested HTTP status when the error reaches a request handler. */
  readonly status: number;

  constructor(code: string, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options?.status ?? 500;
  }
}

/** A configuration value is missing, of the wrong type, or inconsistent. */
export class ConfigError extends StowageError {
  /** Dotted key path, e.g. `static.dirs[1].prefix`. */
  readonly key: string | undefined;

  constructor(message: string, options?: { key?: string; cause?: unknown }) {
    super("E_CONFIG", message, options);
    this.key = options?.key;
  }
}

/** A name or path tries to leave the root it belongs to. */
export class PathTraversalError extends StowageError {
  constructor(name: string, options?: { cause?: unknown }) {
    super("E_PATH_TRAVERSAL", `Refusing the path ${JSON.stringify(name)}: it leaves the root.`, {
      ...options,
      status: 400,
    });
  }
}

/** An optional peer dependency (a cloud SDK, sharp, ...) is not installed. */
export class MissingDependencyError extends StowageError {
  readonly packageName: string;

  constructor(packageName: string, feature: string, options?: { cause?: unknown }) {
    super(
      "E_MISSING_DEPENDENCY",
      `${feature} needs the package "${packageName}". Install it with: npm install ${packageName}`,
      options,
    );
    this.packageName = packageName;
  }
}

/**
 * Which of `names` cannot be resolved from `fromDir` (the app's folder:
 * optional peers resolve from there, not from Stowage's own), so `stowage
 * check` can name them before the first call that would load them.
 */
export function missingPackages(names: readonly string[], fromDir: string): string[] {
  const require = createRequire(`${fromDir.replace(/\/+$/, "")}/`);
  return names.filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch (error) {
      // An ESM-only package without a "require" condition is installed all the same.
      return (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND";
    }
  });
}

/** Import an optional peer dependency, naming the package when it is missing. */
export async function importOptional<T>(packageName: string, feature: string): Promise<T> {
  try {
    return (await import(packageName)) as T;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new MissingDependencyError(packageName, feature, { cause: error });
    }
    throw error;
  }
}
