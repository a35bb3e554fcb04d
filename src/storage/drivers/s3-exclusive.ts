import { randomBytes } from "node:crypto";
import type * as S3 from "@aws-sdk/client-s3";
import { encodeName } from "../driver.js";
import { NameTakenError } from "../errors.js";

/**
 * Never replacing an object another save created meanwhile, on every
 * S3-compatible store. AWS S3, R2 and recent MinIO refuse a write with
 * `If-None-Match: *` when the key exists; s3rver, older MinIO, Ceph RGW, B2
 * and Spaces ignore the header and overwrite. So the driver asks the store
 * once (a probe on a hidden key), and where the header is not honoured it
 * takes a claim instead:
 *
 * 1. write an empty claim object under `.stowage-claims/<name>/<random>`;
 * 2. list the claims of that name: another one there means another save is
 *    (or was) at work on it, so this one takes another name;
 * 3. otherwise check the name is free, write the object, drop the claim.
 *
 * Of two saves of one name, each writes its claim before it lists, so at
 * least one of them sees the other's: they never both write. This needs
 * read-after-write consistent listing (AWS S3 and most clones have it). A
 * claim left by a crashed process only makes later saves of that exact
 * name take a variant. Writes outside Stowage (or with `overwrite`) are not
 * covered by claims.
 */

/** The S3 calls the protocol needs, each on a full key; bodies are empty. */
export interface ExclusiveContext {
  /** PutObject of an empty body, with `If-None-Match: *` when `ifNoneMatch`. */
  put(key: string, ifNoneMatch?: boolean): Promise<unknown>;
  /** A one-part multipart upload completed with `If-None-Match: *`, aborted if not completed. */
  putMultipart(key: string): Promise<unknown>;
  /** CopyObject, with `If-None-Match: *` when `ifNoneMatch`. */
  copy(from: string, to: string, ifNoneMatch?: boolean): Promise<unknown>;
  remove(key: string): Promise<unknown>;
  /** The keys directly under `prefix` (a delimiter listing), at most two. */
  list(prefix: string): Promise<string[]>;
  /** A name (or hidden path) as a full key under the storage's location. */
  toKey(name: string): string;
}

/** `"auto"` probes the store; `true` trusts it; `false` always takes claims. */
export type ConditionalMode = boolean | "auto";

export interface Exclusive {
  /**
   * Whether the store itself refuses a second create, on every write the
   * driver makes (PutObject, CompleteMultipartUpload, CopyObject). One
   * answer for all three, so a claimed write never races an unclaimed one.
   */
  native(): Promise<boolean>;
  /** Runs `write` holding the only claim on `name`; `NameTakenError` when another save holds one. */
  withClaim<T>(name: string, write: () => Promise<T>): Promise<T>;
}

const statusOf = (error: unknown) =>
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/** A refusal of a conditional write because the key exists. */
export function isTaken(error: unknown): boolean {
  const status = statusOf(error);
  return (
    (error as { name?: string }).name === "PreconditionFailed" || status === 412 || status === 409
  );
}

/** A store that does not know the header at all answers 501 (or 400) instead of ignoring it. */
function isUnsupported(error: unknown): boolean {
  const status = statusOf(error);
  return (error as { name?: string }).name === "NotImplemented" || status === 501 || status === 400;
}

/** Whether `write` is refused as a conditional write on an existing key. */
async function refused(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return false;
  } catch (error) {
    if (isTaken(error)) return true;
    if (isUnsupported(error)) return false;
    throw error;
  }
}

const hex = () => randomBytes(8).toString("hex");

export function exclusiveWrites(
  mode: ConditionalMode,
  load: () => Promise<ExclusiveContext>,
): Exclusive {
  let probed: Promise<boolean> | undefined;

  async function probe(): Promise<boolean> {
    const s3 = await load();
    const key = s3.toKey(`.stowage-probe/${hex()}`);
    const made = [key];
    try {
      await s3.put(key);
      if (!(await refused(() => s3.put(key, true)))) return false;
      // Streams over one part commit with CompleteMultipartUpload: it must refuse too.
      if (!(await refused(() => s3.putMultipart(key)))) return false;
      made.push(`${key}-copy`);
      await s3.copy(key, `${key}-copy`);
      return await refused(() => s3.copy(key, `${key}-copy`, true));
    } finally {
      for (const object of made) await s3.remove(object).catch(() => undefined);
    }
  }

  return {
    native() {
      if (mode !== "auto") return Promise.resolve(mode);
      if (!probed) {
        probed = probe();
        // A probe that failed (network, auth) is asked again by the next save.
        probed.catch(() => {
          probed = undefined;
        });
      }
      return probed;
    },

    async withClaim(name, write) {
      const s3 = await load();
      const folder = s3.toKey(`.stowage-claims/${name}/`);
      const mine = `${folder}${hex()}`;
      await s3.put(mine);
      try {
        if ((await s3.list(folder)).some((key) => key !== mine)) throw new NameTakenError(name);
        return await write();
      } finally {
        // Best effort: a claim left behind only sends later saves of this name to a variant.
        await s3.remove(mine).catch(() => undefined);
      }
    },
  };
}

/**
 * The protocol's calls made with the AWS SDK. `sdk` and `client` are the
 * loaded AWS SDK S3 module and an `S3Client`, typed loosely here
 * so the published types of this module name no SDK.
 */
export function sdkCalls(
  sdk: unknown,
  client: unknown,
  bucket: string,
  toKey: (name: string) => string,
): ExclusiveContext {
  const aws = sdk as typeof S3;
  const send = (command: unknown) => (client as S3.S3Client).send(command as never);
  const IfNoneMatch = (conditional?: boolean) => (conditional ? "*" : undefined);
  return {
    toKey,
    put: (Key, conditional) =>
      send(
        new aws.PutObjectCommand({
          Bucket: bucket,
          Key,
          Body: "",
          // Without it the SDK warns on every claim that the body's length is unknown.
          ContentLength: 0,
          IfNoneMatch: IfNoneMatch(conditional),
        }),
      ),
    copy: (from, Key, conditional) =>
      send(
        new aws.CopyObjectCommand({
          Bucket: bucket,
          Key,
          CopySource: `${bucket}/${encodeName(from)}`,
          IfNoneMatch: IfNoneMatch(conditional),
        }),
      ),
    remove: (Key) => send(new aws.DeleteObjectCommand({ Bucket: bucket, Key })),
    async list(Prefix) {
      const page = (await send(
        new aws.ListObjectsV2Command({ Bucket: bucket, Prefix, Delimiter: "/", MaxKeys: 2 }),
      )) as S3.ListObjectsV2Output;
      return (page.Contents ?? []).map((item) => item.Key ?? "");
    },
    async putMultipart(Key) {
      const { UploadId } = (await send(
        new aws.CreateMultipartUploadCommand({ Bucket: bucket, Key }),
      )) as S3.CreateMultipartUploadOutput;
      try {
        const part = (await send(
          new aws.UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 1, Body: "x" }),
        )) as S3.UploadPartOutput;
        return await send(
          new aws.CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key,
            UploadId,
            IfNoneMatch: "*",
            MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
          }),
        );
      } finally {
        // Refused as hoped: the upload is still open. Completed: this fails harmlessly.
        await send(new aws.AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId })).catch(
          () => undefined,
        );
      }
    },
  };
}
