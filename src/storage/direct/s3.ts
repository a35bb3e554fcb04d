import { loadDriverPackage } from "../packages.js";
import type { PresignedUpload, PresignUploadOptions } from "./types.js";

/**
 * An S3 presigned POST for one key: the policy fixes the key and the
 * content type and bounds the body with `content-length-range`, so S3
 * refuses a larger file before storing it. Needs the optional
 * `@aws-sdk/s3-presigned-post` package (DRIVER_FEATURE_PACKAGES).
 */
export async function presignS3Post(
  client: unknown,
  bucket: string,
  key: string,
  options: PresignUploadOptions,
): Promise<PresignedUpload> {
  const { createPresignedPost } = await loadDriverPackage<
    typeof import("@aws-sdk/s3-presigned-post")
  >("s3", "@aws-sdk/s3-presigned-post");
  const post = await createPresignedPost(client as Parameters<typeof createPresignedPost>[0], {
    Bucket: bucket,
    Key: key,
    Conditions: [
      ["content-length-range", 0, options.maxSize],
      ["eq", "$Content-Type", options.contentType],
    ],
    Fields: { "Content-Type": options.contentType },
    Expires: options.expiresIn,
  });
  return {
    method: "POST",
    url: post.url,
    fields: post.fields,
    fileField: "file",
    enforcesMaxSize: true,
  };
}
