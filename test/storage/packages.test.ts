import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  DRIVER_FEATURE_PACKAGES,
  DRIVER_PACKAGES,
  loadDriverPackage,
  missingDriverPackages,
  missingFeaturePackages,
} from "../../src/storage/packages.js";

describe("driver packages", () => {
  it("names every package of a driver an app folder lacks, all at once", async () => {
    const empty = await mkdtemp(path.join(tmpdir(), "stowage-no-sdk-"));
    try {
      expect(missingDriverPackages("s3", empty)).toEqual([
        "@aws-sdk/client-s3",
        "@aws-sdk/lib-storage",
        "@aws-sdk/s3-request-presigner",
      ]);
      expect(missingDriverPackages("azure", empty)).toEqual(["@azure/storage-blob"]);
      expect(missingDriverPackages("fs", empty)).toEqual([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it("names the packages only a feature needs apart, with the feature", async () => {
    const empty = await mkdtemp(path.join(tmpdir(), "stowage-no-sdk-"));
    try {
      expect(missingFeaturePackages("s3", empty)).toEqual([
        { name: "@aws-sdk/s3-presigned-post", feature: "direct uploads" },
      ]);
      expect(missingDriverPackages("s3", empty)).not.toContain("@aws-sdk/s3-presigned-post");
      expect(missingFeaturePackages("fs", empty)).toEqual([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it("finds the packages installed beside this project", () => {
    for (const driver of Object.keys(DRIVER_PACKAGES)) {
      expect(missingDriverPackages(driver), driver).toEqual([]);
    }
    for (const driver of Object.keys(DRIVER_FEATURE_PACKAGES)) {
      expect(missingFeaturePackages(driver), driver).toEqual([]);
    }
  });

  it("loads a driver's package only through the table", async () => {
    const sdk = await loadDriverPackage<{ S3Client: unknown }>("s3", "@aws-sdk/client-s3");
    expect(typeof sdk.S3Client).toBe("function");
    expect(() => loadDriverPackage("s3", "@aws-sdk/client-dynamodb")).toThrow(
      /not in DRIVER_PACKAGES\.s3 nor DRIVER_FEATURE_PACKAGES\.s3/,
    );
  });

  it("loads a feature's package through its table too", async () => {
    const post = await loadDriverPackage<{ createPresignedPost: unknown }>(
      "s3",
      "@aws-sdk/s3-presigned-post",
    );
    expect(typeof post.createPresignedPost).toBe("function");
  });
});
