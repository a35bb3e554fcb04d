import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { type Readable, Transform } from "node:stream";
import type * as S3 from "@aws-sdk/client-s3";
import { importOptional } from "../../errors.js";
import { presignS3Post } from "../direct/s3.js";
import {
  bodyStream,
  dispositionHeader,
  encodeName,
  isLocalFile,
  type StorageDriver,
} from "../driver.js";
import { NameTakenError } from "../errors.js";
import type { ListEntry, StorageStat } from "../types.js";

export interface S3Options {
  bucket: string;
  /** Key prefix every name is stored under (django-storages' `location`). @default "" */
  location?: string;
  /** @default env AWS_REGION, else "us-east-1" */
  region?: string;
  /** Endpoint for MinIO, R2, Ceph or s3rver, e.g. `http://127.0.0.1:9000`. */
  endpoint?: string;
  /** Address buckets as `endpoint/bucket` rather than `bucket.endpoint` (MinIO, s3rver). @default false */
  forcePathStyle?: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Host (or `https://host/path`) public URLs are built on, e.g. a CDN in front of the bucket. */
  customDomain?: string;
  /** Canned ACL stored with every object, e.g. `public-read`. */
  acl?: string;
  /** `Cache-Control` for objects saved without one. */
  cacheControl?: string;
  /**
   * Send `If-None-Match: *` so a save never replaces an object created
   * meanwhile. AWS S3 and R2 honour it; s3rver ignores it.
   * @default true
   */
  conditionalPut?: boolean;
  /** Multipart part size in bytes; memory held by an upload is about `partSize * queueSize`. @default 5 MiB */
  partSize?: number;
  /** Parts uploaded at once. @default 4 */
  queueSize?: number;
  /** Keys asked for per ListObjectsV2 page. @default 1000 */
  pageSize?: number;
  /** A ready client (tests, custom credentials); the options above then only name the bucket. */
  client?: S3.S3Client;
}

type S3Module = typeof S3;
const FEATURE = "The s3 storage";

/** Amazon S3 and S3-compatible services, through `@aws-sdk/client-s3` (loaded on first use). */
export function s3Driver(options: S3Options): StorageDriver {
  const location = (options.location ?? "").replace(/^\/+|\/+$/g, "");
  const toKey = (name: string) => (location ? `${location}/${name}` : name);
  const fromKey = (key: string) => (location ? key.slice(location.length + 1) : key);
  let loaded: Promise<{ sdk: S3Module; client: S3.S3Client }> | undefined;

  const load = () => {
    loaded ??= (async () => {
      const sdk = await importOptional<S3Module>("@aws-sdk/client-s3", FEATURE);
      const credentials =
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined;
      const client =
        options.client ??
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

  const isNotFound = (error: unknown) => {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404;
  };
  const isTaken = (error: unknown) => {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    return e.name === "PreconditionFailed" || status === 412 || status === 409;
  };
  const conditional = options.conditionalPut ?? true;

  return {
    kind: "s3",
    conditionalPut: conditional,
    acceptsBytes: true,
    acceptsLocalFiles: true,

    async put(name, body, writeOptions) {
      const { sdk, client } = await load();
      const params = {
        Bucket: options.bucket,
        Key: toKey(name),
        ContentType: writeOptions.contentType,
        CacheControl: writeOptions.cacheControl ?? options.cacheControl,
        ContentDisposition: writeOptions.contentDisposition,
        Metadata: writeOptions.metadata,
        ACL: options.acl as S3.ObjectCannedACL | undefined,
        IfNoneMatch: writeOptions.ifNoneMatch && conditional ? "*" : undefined,
      };
      const taken = (error: unknown) =>
        writeOptions.ifNoneMatch && isTaken(error)
          ? new NameTakenError(name, { cause: error })
          : error;
      const putObject = async (Body: Buffer | Readable, ContentLength: number) => {
        try {
          await client.send(new sdk.PutObjectCommand({ ...params, Body, ContentLength }), {
            abortSignal: writeOptions.signal,
          });
        } catch (error) {
          throw taken(error);
        }
      };
      // Bytes in hand: one PutObject (atomic on S3), not lib-storage's part machinery.
      if (Buffer.isBuffer(body)) return putObject(body, body.length);
      const partSize = options.partSize ?? 5 * 1024 * 1024;
      if (isLocalFile(body)) {
        // A file's size is known up front: up to one part, a single PutObject streamed from disk.
        const { size } = await stat(body.localPath);
        if (size <= partSize) return putObject(createReadStream(body.localPath), size);
      }
      const stream = bodyStream(body);
      // A stream of unknown length: lib-storage sends one PutObject or a multipart upload.
      const { Upload } = await importOptional<typeof import("@aws-sdk/lib-storage")>(
        "@aws-sdk/lib-storage",
        FEATURE,
      );
      const upload = new Upload({
        client,
        queueSize: options.queueSize ?? 4,
        partSize,
        leavePartsOnError: false,
        params: { ...params, Body: stream },
      });
      const abort = () => void upload.abort();
      writeOptions.signal?.addEventListener("abort", abort, { once: true });
      // A failing body must fail the upload (lib-storage then aborts the multipart upload).
      const bodyFailed = new Promise<never>((_, reject) => stream.once("error", reject));
      try {
        await Promise.race([upload.done(), bodyFailed]);
      } catch (error) {
        await upload.abort().catch(() => undefined);
        throw taken(error);
      } finally {
        writeOptions.signal?.removeEventListener("abort", abort);
      }
    },

    async get(name, getOptions) {
      const { sdk, client } = await load();
      const range = getOptions.range;
      try {
        const result = await client.send(
          new sdk.GetObjectCommand({
            Bucket: options.bucket,
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
          new sdk.GetObjectCommand({ Bucket: options.bucket, Key: toKey(name) }),
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
          new sdk.HeadObjectCommand({ Bucket: options.bucket, Key: toKey(name) }),
        );
        return {
          name,
          size: result.ContentLength ?? 0,
          lastModified: result.LastModified ?? new Date(0),
          contentType: result.ContentType,
          etag: result.ETag,
          metadata: result.Metadata,
        };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },

    async delete(name) {
      const { sdk, client } = await load();
      await client.send(new sdk.DeleteObjectCommand({ Bucket: options.bucket, Key: toKey(name) }));
    },

    async *list(prefix): AsyncGenerator<ListEntry> {
      const { sdk, client } = await load();
      let token: string | undefined;
      do {
        const page = await client.send(
          new sdk.ListObjectsV2Command({
            Bucket: options.bucket,
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
      if (options.customDomain) {
        const base = options.customDomain.includes("://")
          ? options.customDomain
          : `https://${options.customDomain}`;
        return `${base.replace(/\/+$/, "")}/${key}`;
      }
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
      const { getSignedUrl } = await importOptional<typeof import("@aws-sdk/s3-request-presigner")>(
        "@aws-sdk/s3-request-presigner",
        FEATURE,
      );
      const command = new sdk.GetObjectCommand({
        Bucket: options.bucket,
        Key: toKey(name),
        ResponseContentDisposition: signOptions.disposition
          ? dispositionHeader(signOptions.disposition)
          : undefined,
      });
      return getSignedUrl(client, command, { expiresIn: signOptions.expiresIn });
    },

    async copy(from, to, copyOptions) {
      const { sdk, client } = await load();
      try {
        await client.send(
          new sdk.CopyObjectCommand({
            Bucket: options.bucket,
            Key: toKey(to),
            CopySource: `${options.bucket}/${encodeName(toKey(from))}`,
            ACL: options.acl as S3.ObjectCannedACL | undefined,
            IfNoneMatch: copyOptions.ifNoneMatch && conditional ? "*" : undefined,
          } as S3.CopyObjectCommandInput),
        );
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        if (copyOptions.ifNoneMatch && isTaken(error))
          throw new NameTakenError(to, { cause: error });
        throw error;
      }
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
