import type * as Azure from "@azure/storage-blob";
import type { PresignedUpload, PresignUploadOptions } from "./types.js";

/**
 * A SAS for one blob that may only create and write it (no read, list or
 * delete), valid for `expiresIn` seconds. Azure has no size condition on a
 * SAS, so the size limit is enforced only when the upload is confirmed.
 */
export async function presignAzurePut(
  sdk: typeof Azure,
  blob: Azure.BlockBlobClient,
  options: PresignUploadOptions,
): Promise<PresignedUpload> {
  // A minute of leeway before now: the browser's clock and Azure's may disagree.
  const startsOn = new Date(Date.now() - 60_000);
  const url = await blob.generateSasUrl({
    permissions: sdk.BlobSASPermissions.parse("cw"),
    startsOn,
    expiresOn: new Date(Date.now() + options.expiresIn * 1000),
  });
  return {
    method: "PUT",
    url,
    headers: { "x-ms-blob-type": "BlockBlob", "x-ms-blob-content-type": options.contentType },
    enforcesMaxSize: false,
  };
}
