import { type Readable, Transform } from "node:stream";
import type * as S3 from "@aws-sdk/client-s3";
import { presignS3Post } from "../direct/s3.js";
import { encodeName, type StorageDriver } from "../driver.js";
import { NameTakenError } from "../errors.js";
import { decodeMetadata, encodeMetadata } from "../metadata.js";
import { loadDriverPackage } from "../packages.js";
import { isHttpUrl, type Schema } from "../schema.js";
import { dispositionHeader } from "../signing.js";
import type { ListEntry, StorageStat } from "../types.js";
import { customDomainUrl, locationKeys } from "./cloud.js";
import { exclusiveWrites, isTaken, sdkCalls } from "./s3-exclusive.js";
import { uploadObject } from "./s3-upload.js";

/**
 * The part of an `S3Client` (AWS SDK v3) the driver uses, declared here so
 * Stowage's types never import the SDK: an app without it type-checks.
 */
export interface S3ClientLike {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

export interface S3Options {
  bucket: string;
  /** Key prefix every name is stored under (django-storages' `location`). @default "" */
  location?: string;
  /** @default env AWS_REGION, else "us-east-1" */
  region?: string;
  /** Endpoint for MinIO, R2, Ceph or s3rver, e.g. `http://127.0.0.1:9000`. @default AWS S3 of `region` */
  endpoint?: string;
  /** Address buckets as `endpoint/bucket` rather than `bucket.endpoint` (MinIO, s3rver). @default false */
  forcePathStyle?: boolean;
  /** With `secretAccessKey`, fixed credentials. @default the AWS SDK's credential chain (env, profile, role) */
  accessKeyId?: string;
  /** @default the AWS SDK's credential chain */
  secretAccessKey?: string;
  /**
   * Host (or `https://host/path`) public URLs are built on, e.g. a CDN in front of the bucket.
   * @default the bucket's own URL (path-style on `endpoint` with `forcePathStyle`)
   */
  customDomain?: string;
  /** Canned ACL stored with every object, e.g. `public-read`. @default none: the bucket's own policy */
  acl?: (typeof S3_ACLS)[number];
  /** `Cache-Control` for objects saved without one. @default none */
  cacheControl?: string;
  /**
   * How a save avoids replacing an object created meanwhile. `"auto"` asks
   * the store once (a probe on a hidden key) whether it refuses a second
   * create with `If-None-Match: *` on PutObject, CompleteMultipartUpload and
   * CopyObject, and takes a claim per save where it does not (s3rver, older
   * MinIO, Ceph RGW, B2, Spaces); `true` trusts the store without asking
   * (AWS S3); `false` always takes claims.
   * @default "auto"
   */
  conditionalPut?: boolean | "auto";
  /** Multipart part size in bytes; memory held by an upload is about `partSize * queueSize`. @default 5 MiB */
  partSize?: number;
  /** Parts uploaded at once. @default 4 */
  queueSize?: number;
  /** Keys asked for per ListObjectsV2 page. @default 1000 */
  pageSize?: number;
  /** A ready `S3Client` (tests, custom credentials); the options above then only name the bucket. */
  client?: S3ClientLike;
}

const S3_ACLS = [
  "private",
  "public-read",
  "public-read-write",
  "authenticated-read",
  "aws-exec-read",
  "bucket-owner-read",
  "bucket-owner-full-control",
] as const;
const MIN_PART_SIZE = 5 * 1024 * 1024;

export const s3Schema: Schema<S3Options> = {
  bucket: { type: "string", required: true, expected: "a bucket name" },
  location: { type: "string", allowEmpty: true },
  region: { type: "string" },
  endpoint: {
    type: "string",
    check: isHttpUrl,
    expected: "an http(s) URL such as http://127.0.0.1:9000",
  },
  forcePathStyle: { type: "boolean" },
  accessKeyId: { type: "string" },
  secretAccessKey: { type: "string", secret: true },
  customDomain: { type: "string" },
  acl: { type: "choice", values: S3_ACLS },
  cacheControl: { type: "string" },
  conditionalPut: { type: "choice", values: ["auto", true, false] },
  partSize: {
    type: "integer",
    min: MIN_PART_SIZE,
    expected: `a whole number of bytes >= ${MIN_PART_SIZE} (5 MiB)`,
  },
  queueSize: { type: "integer", min: 1, max: 64 },
  pageSize: { type: "integer", min: 1, max: 1000 },
  client: {
    type: "object",
    check: (value) => typeof (value as S3ClientLike).send === "function",
    expected: "an S3Client of the AWS SDK v3",
  },
};

type S3Module = typeof S3;

/** Amazon S3 and S3-compatible services, through the AWS SDK v3 (loaded on first use). */
export function s3Driver(options: S3Options): StorageDriver {
  const { toKey, fromKey } = locationKeys(options.location);
  const bucket = options.bucket;
  let loaded: Promise<{ sdk: S3Module; client: S3.S3Client }> | undefined;

  const load = () => {
    loaded ??= (async () => {
      const sdk = await loadDriverPackage<S3Module>("s3", "@aws-sdk/client-s3");
      const credentials =
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined;
      const client =
        (options.client as S3.S3Client | undefined) ??
        new sdk.S3Client({
          region: options.region ?? process.env.AWS_REGION ?? "us-east-1",
          endpoint: options.endpoint,
          forcePathStyle: options.forcePathStyle,
          credentials,
          // Checksums on streamed bodies use aws-chunked framing that several S3 clones store verbatim.
          requestChecksumCalculation: "WHEN_REQUIRED",
          responseChecksumValidation: "WHEN_REQUIRED",
        });
      return { sdk, client };
    })();
    return loaded;
  };
  const exclusive = exclusiveWrites(options.conditionalPut ?? "auto", async () => {
    const { sdk, client } = await load();
    return sdkCalls(sdk, client, bucket, toKey);
  });

  const isNotFound = (error: unknown) => {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404;
  };
  const exists = async (name: string) => {
    const { sdk, client } = await load();
    try {
      await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: toKey(name) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  };

  /** One write, `If-None-Match: *` when `conditional`; a refusal becomes `NameTakenError`. */
  async function write(
    name: string,
    body: Parameters<StorageDriver["put"]>[1],
    writeOptions: Parameters<StorageDriver["put"]>[2],
    conditional: boolean,
  ): Promise<void> {
    const { sdk, client } = await load();
    const params = {
      Bucket: bucket,
      Key: toKey(name),
      ContentType: writeOptions.contentType,
      CacheControl: writeOptions.cacheControl ?? options.cacheControl,
      ContentDisposition: writeOptions.contentDisposition,
      Metadata: encodeMetadata(writeOptions.metadata),
      ACL: options.acl,
      IfNoneMatch: conditional ? "*" : undefined,
    };
    try {
      await uploadObject(sdk, client, params, body, {
        partSize: options.partSize ?? MIN_PART_SIZE,
        queueSize: options.queueSize ?? 4,
        signal: writeOptions.signal,
      });
    } catch (error) {
      if (conditional && isTaken(error)) throw new NameTakenError(name, { cause: error });
      throw error;
    }
  }

  async function copyObject(from: string, to: string, conditional: boolean): Promise<boolean> {
    const { sdk, client } = await load();
    try {
      await client.send(
        new sdk.CopyObjectCommand({
          Bucket: bucket,
          Key: toKey(to),
          CopySource: `${bucket}/${encodeName(toKey(from))}`,
          ACL: options.acl,
          IfNoneMatch: conditional ? "*" : undefined,
        }),
      );
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      if (conditional && isTaken(error)) throw new NameTakenError(to, { cause: error });
      throw error;
    }
  }

  return {
    kind: "s3",
    acceptsBytes: true,
    acceptsLocalFiles: true,

    async put(name, body, writeOptions) {
      if (!writeOptions.ifNoneMatch) return write(name, body, writeOptions, false);
      if (await exclusive.native()) return write(name, body, writeOptions, true);
      await exclusive.withClaim(name, async () => {
        if (await exists(name)) throw new NameTakenError(name);
        await write(name, body, writeOptions, false);
      });
    },

    async get(name, getOptions) {
      const { sdk, client } = await load();
      const range = getOptions.range;
      try {
        const result = await client.send(
          new sdk.GetObjectCommand({
            Bucket: bucket,
            Key: toKey(name),
            Range: range ? `bytes=${range.start}-${range.end ?? ""}` : undefined,
          }),
          { abortSignal: getOptions.signal },
        );
        const stream = result.Body as Readable;
        // Some S3 clones (s3rver for `bytes=0-0`) send more than the Range asked for.
        const served = /^bytes (\d+)-(\d+)\//.exec(result.ContentRange ?? "");
        const servedStart = served ? Number(served[1]) : 0;
        const servedEnd = served ? Number(served[2]) : undefined;
        if (
          range &&
          (servedStart !== range.start || (range.end !== undefined && servedEnd !== range.end))
        ) {
          const end = range.end === undefined ? undefined : range.end - servedStart;
          const slice = sliceBytes(range.start - servedStart, end);
          stream.once("error", (error) => slice.destroy(error));
          return stream.pipe(slice);
        }
        return stream;
      } catch (error) {
        if (isNotFound(error)) return null;
        // An empty object has no satisfiable range; the caller asked for bytes that do not exist.
        if ((error as { name?: string }).name === "InvalidRange") {
          return sliceBytes(0, -1).end();
        }
        throw error;
      }
    },

    async read(name) {
      const { sdk, client } = await load();
      try {
        const result = await client.send(
          new sdk.GetObjectCommand({ Bucket: bucket, Key: toKey(name) }),
        );
        const bytes = await result.Body!.transformToByteArray();
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },

    async head(name): Promise<StorageStat | null> {
      const { sdk, client } = await load();
      try {
        const result = await client.send(
          new sdk.HeadObjectCommand({ Bucket: bucket, Key: toKey(name) }),
        );
        return {
          name,
          size: result.ContentLength ?? 0,
          lastModified: result.LastModified ?? new Date(0),
          contentType: result.ContentType,
          etag: result.ETag,
          metadata: decodeMetadata(result.Metadata),
        };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },

    async delete(name) {
      const { sdk, client } = await load();
      await client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: toKey(name) }));
    },

    async *list(prefix): AsyncGenerator<ListEntry> {
      const { sdk, client } = await load();
      let token: string | undefined;
      do {
        const page = await client.send(
          new sdk.ListObjectsV2Command({
            Bucket: bucket,
            Prefix: toKey(prefix),
            ContinuationToken: token,
            MaxKeys: options.pageSize ?? 1000,
          }),
        );
        for (const item of page.Contents ?? []) {
          yield {
            name: fromKey(item.Key!),
            size: item.Size ?? 0,
            lastModified: item.LastModified ?? new Date(0),
          };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },

    url(name) {
      const key = encodeName(toKey(name));
      if (options.customDomain) return customDomainUrl(options.customDomain, key);
      if (options.endpoint) {
        const endpoint = new URL(options.endpoint);
        if (options.forcePathStyle) return `${endpoint.origin}/${options.bucket}/${key}`;
        return `${endpoint.protocol}//${options.bucket}.${endpoint.host}/${key}`;
      }
      const region = options.region ?? process.env.AWS_REGION ?? "us-east-1";
      return `https://${options.bucket}.s3.${region}.amazonaws.com/${key}`;
    },

    async presignUpload(name, presignOptions) {
      const { client } = await load();
      return presignS3Post(client, options.bucket, toKey(name), presignOptions);
    },

    async signedUrl(name, signOptions) {
      const { sdk, client } = await load();
      const { getSignedUrl } = await loadDriverPackage<
        typeof import("@aws-sdk/s3-request-presigner")
      >("s3", "@aws-sdk/s3-request-presigner");
      const command = new sdk.GetObjectCommand({
        Bucket: bucket,
        Key: toKey(name),
        ResponseContentDisposition: signOptions.disposition
          ? dispositionHeader(signOptions.disposition)
          : undefined,
      });
      return getSignedUrl(client, command, { expiresIn: signOptions.expiresIn });
    },

    async copy(from, to, copyOptions) {
      if (!copyOptions.ifNoneMatch) return copyObject(from, to, false);
      if (await exclusive.native()) return copyObject(from, to, true);
      return exclusive.withClaim(to, async () => {
        if (await exists(to)) throw new NameTakenError(to);
        return copyObject(from, to, false);
      });
    },
  };
}

/** Keeps bytes `start..end` (inclusive) of a stream. */
function sliceBytes(start: number, end: number | undefined): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const from = Math.max(start - offset, 0);
      const to = end === undefined ? chunk.length : Math.min(end + 1 - offset, chunk.length);
      offset += chunk.length;
      done(null, to > from ? chunk.subarray(from, to) : undefined);
    },
  });
}
