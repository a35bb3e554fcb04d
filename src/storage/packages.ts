import { createRequire } from "node:module";
import { importOptional } from "../errors.js";

/**
 * The npm packages each driver loads. Drivers import them lazily, so a
 * missing one would otherwise surface only on the first call that needs it
 * (a save, an upload over the multipart threshold, a signed link);
 * `stowage check` asks this table up front instead.
 */
export const DRIVER_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  fs: [],
  memory: [],
  s3: ["@aws-sdk/client-s3", "@aws-sdk/lib-storage", "@aws-sdk/s3-request-presigner"],
  azure: ["@azure/storage-blob"],
  gcs: ["@google-cloud/storage"],
};

/**
 * The packages `driver` needs that cannot be resolved from `fromDir`
 * (the app's folder: packages resolve from there, not from Stowage's own).
 * An unknown driver needs nothing here; it is refused elsewhere.
 */
export function missingDriverPackages(driver: string, fromDir: string = process.cwd()): string[] {
  const require = createRequire(`${fromDir.replace(/\/+$/, "")}/`);
  return (DRIVER_PACKAGES[driver] ?? []).filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch (error) {
      // An ESM-only package without a "require" condition is installed all the same.
      return (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND";
    }
  });
}

/**
 * Import `name`, one of the packages `driver` lists above: drivers load
 * their SDKs only through here, so the table cannot drift from the code.
 * A missing package fails with `E_MISSING_DEPENDENCY`, naming it.
 */
export function loadDriverPackage<T>(driver: string, name: string): Promise<T> {
  const packages = DRIVER_PACKAGES[driver] ?? [];
  if (!packages.includes(name)) {
    throw new Error(`${name} is not in DRIVER_PACKAGES.${driver}; add it there first.`);
  }
  const others = packages.length > 1 ? ` (it uses ${packages.join(", ")})` : "";
  return importOptional<T>(name, `The ${driver} storage${others}`);
}
