import type * as Gcs from "@google-cloud/storage";
import type { PresignedUpload, PresignUploadOptions } from "./types.js";

/**
 * A V4 POST policy for one object: the key and content type fixed, the body
 * bounded by `content-length-range`, so the bucket refuses a larger file.
 */
export async function presignGcsPost(
  file: Gcs.File,
  options: PresignUploadOptions,
): Promise<PresignedUpload> {
  const [policy] = await file.generateSignedPostPolicyV4({
    expires: Date.now() + options.expiresIn * 1000,
    conditions: [
      ["content-length-range", 0, options.maxSize],
      ["eq", "$Content-Type", options.contentType],
    ],
    fields: { "Content-Type": options.contentType },
  });
  return {
    method: "POST",
    url: policy.url,
    fields: policy.fields,
    fileField: "file",
    enforcesMaxSize: true,
  };
}
