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

export type ConditionalMode = boolean | "auto";

/** The operations whose `If-None-Match` support is probed separately. */
export type Operation = "put" | "copy";

export interface ExclusiveContext {
  sdk: typeof S3;
  client: S3.S3Client;
  bucket: string;
  /** A name (or hidden path) as a full key under the storage's location. */
  toKey(name: string): string;
}

type Send = <T>(command: unknown) => Promise<T>;

export interface Exclusive {
  /** Whether the store itself refuses a second create for `operation`. */
  native(operation: Operation): Promise<boolean>;
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

export function exclusiveWrites(
  mode: ConditionalMode,
  load: () => Promise<ExclusiveContext>,
): Exclusive {
  const probes = new Map<Operation, Promise<boolean>>();

  async function probe(operation: Operation): Promise<boolean> {
    const { sdk, client, bucket, toKey } = await load();
    const send: Send = (command) => client.send(command as never) as never;
    const key = toKey(`.stowage-probe/${randomBytes(8).toString("hex")}`);
    const put = (Key: string, IfNoneMatch?: string) =>
      send(new sdk.PutObjectCommand({ Bucket: bucket, Key, Body: "", IfNoneMatch }));
    await put(key);
    const made = [key];
    try {
      if (operation === "copy") {
        const copy = (IfNoneMatch?: string) =>
          send(
            new sdk.CopyObjectCommand({
              Bucket: bucket,
              Key: `${key}-copy`,
              CopySource: `${bucket}/${encodeName(key)}`,
              IfNoneMatch,
            }),
          );
        await copy();
        made.push(`${key}-copy`);
        return await refused(() => copy("*"));
      }
      if (!(await refused(() => put(key, "*")))) return false;
      // Streams over one part commit with CompleteMultipartUpload: it must refuse too.
      const { UploadId } = await send<S3.CreateMultipartUploadOutput>(
        new sdk.CreateMultipartUploadCommand({ Bucket: bucket, Key: key }),
      );
      try {
        const part = await send<S3.UploadPartOutput>(
          new sdk.UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId,
            PartNumber: 1,
            Body: "x",
          }),
        );
        return await refused(() =>
          send(
            new sdk.CompleteMultipartUploadCommand({
              Bucket: bucket,
              Key: key,
              UploadId,
              IfNoneMatch: "*",
              MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
            }),
          ),
        );
      } finally {
        // Refused as hoped: the upload is still open. Completed: this fails harmlessly.
        await send(
          new sdk.AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }),
        ).catch(() => undefined);
      }
    } finally {
      for (const Key of made) {
        await send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key })).catch(() => undefined);
      }
    }
  }

  return {
    native(operation) {
      if (mode !== "auto") return Promise.resolve(mode);
      let known = probes.get(operation);
      if (!known) {
        known = probe(operation);
        // A probe that failed (network, auth) is asked again by the next save.
        known.catch(() => probes.delete(operation));
        probes.set(operation, known);
      }
      return known;
    },

    async withClaim(name, write) {
      const { sdk, client, bucket, toKey } = await load();
      const send: Send = (command) => client.send(command as never) as never;
      const folder = toKey(`.stowage-claims/${name}/`);
      const mine = `${folder}${randomBytes(8).toString("hex")}`;
      await send(new sdk.PutObjectCommand({ Bucket: bucket, Key: mine, Body: "" }));
      try {
        const listed = await send<S3.ListObjectsV2Output>(
          new sdk.ListObjectsV2Command({
            Bucket: bucket,
            Prefix: folder,
            Delimiter: "/",
            MaxKeys: 2,
          }),
        );
        if ((listed.Contents ?? []).some((item) => item.Key !== mine)) {
          throw new NameTakenError(name);
        }
        return await write();
      } finally {
        // Best effort: a claim left behind only sends later saves of this name to a variant.
        await send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: mine })).catch(
          () => undefined,
        );
      }
    },
  };
}
