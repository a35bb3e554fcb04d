/**
 * How a body reaches S3: bytes in hand and files up to one part as a single
 * PutObject (atomic, one request), everything else through lib-storage's
 * Upload, which sends one PutObject or a multipart upload as the length turns out.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import type * as S3 from "@aws-sdk/client-s3";
import { bodyStream, type DriverBody, isLocalFile } from "../driver.js";
import { loadDriverPackage } from "../packages.js";

export interface UploadSettings {
  /** Multipart part size in bytes; also the largest file sent as one PutObject. */
  partSize: number;
  /** Parts uploaded at once. */
  queueSize: number;
  signal?: AbortSignal | undefined;
}

/** The object's key and headers: everything of a PutObject but its body. */
export type ObjectParams = Omit<S3.PutObjectCommandInput, "Body" | "ContentLength">;

/** Store `body` under `params.Key`; the SDK's error when the store refuses it. */
export async function uploadObject(
  sdk: typeof S3,
  client: S3.S3Client,
  params: ObjectParams,
  body: DriverBody,
  settings: UploadSettings,
): Promise<void> {
  const putObject = async (Body: Buffer | Readable, ContentLength: number) => {
    await client.send(new sdk.PutObjectCommand({ ...params, Body, ContentLength }), {
      abortSignal: settings.signal,
    });
  };
  if (Buffer.isBuffer(body)) return putObject(body, body.length);
  if (isLocalFile(body)) {
    // A file's size is known up front: up to one part, a single PutObject streamed from disk.
    const { size } = await stat(body.localPath);
    if (size <= settings.partSize) return putObject(createReadStream(body.localPath), size);
  }
  const stream = bodyStream(body);
  const { Upload } = await loadDriverPackage<typeof import("@aws-sdk/lib-storage")>(
    "s3",
    "@aws-sdk/lib-storage",
  );
  const upload = new Upload({
    client,
    queueSize: settings.queueSize,
    partSize: settings.partSize,
    leavePartsOnError: false,
    params: { ...params, Body: stream },
  });
  const abort = () => void upload.abort();
  settings.signal?.addEventListener("abort", abort, { once: true });
  // A failing body must fail the upload (lib-storage then aborts the multipart upload).
  const bodyFailed = new Promise<never>((_, reject) => stream.once("error", reject));
  try {
    await Promise.race([upload.done(), bodyFailed]);
  } catch (error) {
    await upload.abort().catch(() => undefined);
    throw error;
  } finally {
    settings.signal?.removeEventListener("abort", abort);
  }
}
