import { pipeline } from "node:stream/promises";
import type * as Gcs from "@google-cloud/storage";
import { presignGcsPost } from "../direct/gcs.js";
import { bodyStream, encodeName, type StorageDriver } from "../driver.js";
import { NameTakenError } from "../errors.js";
import { loadDriverPackage } from "../packages.js";
import type { Schema } from "../schema.js";
import { dispositionHeader } from "../signing.js";
import type { ListEntry, StorageStat } from "../types.js";
import { customDomainUrl, locationKeys } from "./cloud.js";

/**
 * The part of a `Storage` client (Google Cloud Storage SDK) the driver
 * uses, declared here so Stowage's types never import the SDK.
 */
export interface GcsClientLike {
  bucket(name: string): unknown;
}

export interface GcsOptions {
  bucket: string;
  /** Prefix every name is stored under. @default "" */
  location?: string;
  /** @default the project of the credentials */
  projectId?: string;
  /** Service-account key file. @default Application Default Credentials */
  keyFilename?: string;
  /** Service-account credentials as an object (`client_email`, `private_key`). @default Application Default Credentials */
  credentials?: { client_email: string; private_key: string };
  /** API endpoint override (an emulator or a private endpoint). @default Google's public endpoint */
  apiEndpoint?: string;
  /** Host (or `https://host/path`) public URLs are built on, e.g. a CDN. @default the bucket's URL on storage.googleapis.com */
  customDomain?: string;
  /** `Cache-Control` for objects saved without one. @default none */
  cacheControl?: string;
  /** Objects asked for per list page. @default 1000 */
  pageSize?: number;
  /** A ready `Storage` client (tests, custom auth). */
  client?: GcsClientLike;
}

export const gcsSchema: Schema<GcsOptions> = {
  bucket: { type: "string", required: true, expected: "a bucket name" },
  location: { type: "string", allowEmpty: true },
  projectId: { type: "string" },
  keyFilename: { type: "string" },
  credentials: {
    type: "object",
    check: (value) => {
      const given = value as Record<string, unknown>;
      return typeof given.client_email === "string" && typeof given.private_key === "string";
    },
    expected: "an object with client_email and private_key",
  },
  apiEndpoint: { type: "string" },
  customDomain: { type: "string" },
  cacheControl: { type: "string" },
  pageSize: { type: "integer", min: 1, max: 1000 },
  client: {
    type: "object",
    check: (value) => typeof (value as GcsClientLike).bucket === "function",
    expected: "a Storage client of the Google Cloud Storage SDK",
  },
};

type GcsModule = typeof Gcs;

/** Google Cloud Storage through its SDK (loaded on first use); V4 signed URLs. */
export function gcsDriver(options: GcsOptions): StorageDriver {
  const { toKey, fromKey } = locationKeys(options.location);
  let loaded: Promise<Gcs.Bucket> | undefined;

  const bucket = () => {
    loaded ??= (async () => {
      const sdk = await loadDriverPackage<GcsModule>("gcs", "@google-cloud/storage");
      const client =
        (options.client as Gcs.Storage | undefined) ??
        new sdk.Storage({
          projectId: options.projectId,
          keyFilename: options.keyFilename,
          credentials: options.credentials,
          apiEndpoint: options.apiEndpoint,
        });
      return client.bucket(options.bucket);
    })();
    return loaded;
  };
  const file = async (name: string) => (await bucket()).file(toKey(name));
  const code = (error: unknown) => (error as { code?: number }).code;

  return {
    kind: "gcs",
    acceptsBytes: true,

    async put(name, body, writeOptions) {
      const target = await file(name);
      const writable = target.createWriteStream({
        // Resumable uploads stream any length in bounded memory and commit only at the end.
        resumable: true,
        metadata: {
          contentType: writeOptions.contentType,
          cacheControl: writeOptions.cacheControl ?? options.cacheControl,
          contentDisposition: writeOptions.contentDisposition,
          metadata: writeOptions.metadata,
        },
        // Generation 0 means "only if no live object has this name".
        preconditionOpts: writeOptions.ifNoneMatch ? { ifGenerationMatch: 0 } : undefined,
      });
      try {
        await pipeline(bodyStream(body), writable, { signal: writeOptions.signal });
      } catch (error) {
        if (writeOptions.ifNoneMatch && code(error) === 412)
          throw new NameTakenError(name, { cause: error });
        throw error;
      }
    },

    async get(name, getOptions) {
      const target = await file(name);
      // Asked first so a missing object is `null` rather than a stream that errors later.
      if ((await this.head(name)) === null) return null;
      const range = getOptions.range;
      return target.createReadStream({ start: range?.start, end: range?.end, validation: false });
    },

    async head(name): Promise<StorageStat | null> {
      const target = await file(name);
      try {
        const [metadata] = await target.getMetadata();
        return {
          name,
          size: Number(metadata.size ?? 0),
          lastModified: new Date(metadata.updated ?? 0),
          contentType: metadata.contentType,
          etag: metadata.etag,
          metadata: metadata.metadata as Record<string, string> | undefined,
        };
      } catch (error) {
        if (code(error) === 404) return null;
        throw error;
      }
    },

    async delete(name) {
      await (await file(name)).delete({ ignoreNotFound: true });
    },

    async *list(prefix): AsyncGenerator<ListEntry> {
      const target = await bucket();
      let pageToken: string | undefined;
      do {
        const [files, next] = await target.getFiles({
          prefix: toKey(prefix),
          autoPaginate: false,
          maxResults: options.pageSize ?? 1000,
          pageToken,
        });
        for (const item of files) {
          yield {
            name: fromKey(item.name),
            size: Number(item.metadata.size ?? 0),
            lastModified: new Date(item.metadata.updated ?? 0),
          };
        }
        pageToken = (next as { pageToken?: string } | null)?.pageToken;
      } while (pageToken);
    },

    url(name) {
      const key = encodeName(toKey(name));
      if (options.customDomain) return customDomainUrl(options.customDomain, key);
      return `https://storage.googleapis.com/${options.bucket}/${key}`;
    },

    async presignUpload(name, presignOptions) {
      return presignGcsPost(await file(name), presignOptions);
    },

    async signedUrl(name, signOptions) {
      const [url] = await (await file(name)).getSignedUrl({
        version: "v4",
        action: "read",
        expires: Date.now() + signOptions.expiresIn * 1000,
        responseDisposition: signOptions.disposition
          ? dispositionHeader(signOptions.disposition)
          : undefined,
      });
      return url;
    },

    async copy(from, to, copyOptions) {
      const source = await file(from);
      try {
        await source.copy(await file(to), {
          preconditionOpts: copyOptions.ifNoneMatch ? { ifGenerationMatch: 0 } : undefined,
        });
        return true;
      } catch (error) {
        if (code(error) === 404) return false;
        if (copyOptions.ifNoneMatch && code(error) === 412)
          throw new NameTakenError(to, { cause: error });
        throw error;
      }
    },
  };
}
