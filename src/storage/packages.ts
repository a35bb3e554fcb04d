import { importOptional, missingPackages } from "../errors.js";

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

/** A package a driver loads for one feature only. */
export interface FeaturePackage {
  /** The npm package. */
  name: string;
  /** What needs it, e.g. "direct uploads". */
  feature: string;
}

/**
 * Packages a driver loads only for one feature, which an app that never
 * uses that feature never needs: `stowage check` reports a missing one as a
 * warning naming the feature, not as an error.
 */
export const DRIVER_FEATURE_PACKAGES: Readonly<Record<string, readonly FeaturePackage[]>> = {
  s3: [{ name: "@aws-sdk/s3-presigned-post", feature: "direct uploads" }],
};

/**
 * The packages `driver` needs that cannot be resolved from `fromDir`
 * (the app's folder: packages resolve from there, not from Stowage's own).
 * An unknown driver needs nothing here; it is refused elsewhere.
 */
export function missingDriverPackages(driver: string, fromDir: string = process.cwd()): string[] {
  return missingPackages(DRIVER_PACKAGES[driver] ?? [], fromDir);
}

/** The feature packages of `driver` (DRIVER_FEATURE_PACKAGES) that `fromDir` cannot resolve. */
export function missingFeaturePackages(
  driver: string,
  fromDir: string = process.cwd(),
): FeaturePackage[] {
  const packages = DRIVER_FEATURE_PACKAGES[driver] ?? [];
  const missing = missingPackages(
    packages.map((each) => each.name),
    fromDir,
  );
  return packages.filter((each) => missing.includes(each.name));
}

/**
 * Import `name`, one of the packages `driver` lists in DRIVER_PACKAGES or
 * DRIVER_FEATURE_PACKAGES: drivers load their SDKs only through here, so
 * the tables cannot drift from the code. A missing package fails with
 * `E_MISSING_DEPENDENCY`, naming it (and the feature that needs it).
 */
export function loadDriverPackage<T>(driver: string, name: string): Promise<T> {
  const packages = DRIVER_PACKAGES[driver] ?? [];
  const forFeature = DRIVER_FEATURE_PACKAGES[driver]?.find((each) => each.name === name);
  if (forFeature) {
    const { feature } = forFeature;
    return importOptional<T>(
      name,
      `${feature[0].toUpperCase()}${feature.slice(1)} on the ${driver} storage`,
    );
  }
  if (!packages.includes(name)) {
    throw new Error(
      `${name} is not in DRIVER_PACKAGES.${driver} nor DRIVER_FEATURE_PACKAGES.${driver}; add it there first.`,
    );
  }
  const others = packages.length > 1 ? ` (it uses ${packages.join(", ")})` : "";
  return importOptional<T>(name, `The ${driver} storage${others}`);
}
