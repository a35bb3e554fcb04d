import { Readable } from "node:stream";
import type * as Azure from "@azure/storage-blob";
import { ConfigError } from "../../errors.js";
import { presignAzurePut } from "../direct/azure.js";
import { bodyStream, encodeName, type StorageDriver } from "../driver.js";
import { NameTakenError } from "../errors.js";
import { decodeMetadata, encodeMetadata } from "../metadata.js";
import { loadDriverPackage } from "../packages.js";
import type { Schema } from "../schema.js";
import { dispositionHeader } from "../signing.js";
import type { ListEntry, StorageStat } from "../types.js";
import { customDomainUrl, locationKeys } from "./cloud.js";

/**
 * The part of a `ContainerClient` (Azure Blob SDK) the driver uses,
 * declared here so Stowage's types never import the SDK.
 */
export interface AzureContainerClientLike {
  readonly url: string;
  getBlockBlobClient(blobName: string): unknown;
  listBlobsFlat(options?: unknown): unknown;
}

export interface AzureOptions {
  container: string;
  /** Prefix every name is stored under. @default "" */
  location?: string;
  /** @default env AZURE_STORAGE_CONNECTION_STRING */
  connectionString?: string;
  /** Account name, with `accountKey`, when there is no connection string. @default none */
  account?: string;
  /** The account's key, with `account`. @default none */
  accountKey?: string;
  /** Host (or `https://host/path`) public URLs are built on, e.g. a CDN. @default the container's own URL */
  customDomain?: string;
  /** `Cache-Control` for blobs saved without one. @default none */
  cacheControl?: string;
  /** Bodies up to this size (bytes) go up in one request; larger ones in blocks of this size. @default 4 MiB */
  blockSize?: number;
  /** Blocks uploaded at once. @default 4 */
  maxConcurrency?: number;
  /** Blobs asked for per list page. @default 1000 */
  pageSize?: number;
  /** A ready `ContainerClient` (tests, managed identity). */
  client?: AzureContainerClientLike;
}

export const azureSchema: Schema<AzureOptions> = {
  container: { type: "string", required: true, expected: "a container name" },
  location: { type: "string", allowEmpty: true },
  connectionString: { type: "string", secret: true },
  account: { type: "string" },
  accountKey: { type: "string", secret: true },
  customDomain: { type: "string" },
  cacheControl: { type: "string" },
  blockSize: {
    type: "integer",
    min: 1024,
    max: 4000 * 1024 * 1024,
    expected: "a whole number of bytes from 1024 to 4000 MiB",
  },
  maxConcurrency: { type: "integer", min: 1, max: 64 },
  pageSize: { type: "integer", min: 1, max: 5000 },
  client: {
    type: "object",
    check: (value) => typeof (value as AzureContainerClientLike).getBlockBlobClient === "function",
    expected: "a ContainerClient of the Azure Blob SDK",
  },
};

type AzureModule = typeof Azure;

/** Azure Blob Storage through its SDK (loaded on first use); SAS for signed URLs. */
export function azureDriver(options: AzureOptions): StorageDriver {
  const { toKey, fromKey } = locationKeys(options.location);
  const blockSize = options.blockSize ?? 4 * 1024 * 1024;
  let loaded: Promise<{ sdk: AzureModule; container: Azure.ContainerClient }> | undefined;

  const load = () => {
    loaded ??= (async () => {
      const sdk = await loadDriverPackage<AzureModule>("azure", "@azure/storage-blob");
      if (options.client) return { sdk, container: options.client as Azure.ContainerClient };
      const connectionString =
        options.connectionString ?? process.env.AZURE_STORAGE_CONNECTION_STRING;
      let service: Azure.BlobServiceClient;
      if (connectionString) service = sdk.BlobServiceClient.fromConnectionString(connectionString);
      else if (options.account && options.accountKey) {
        const credential = new sdk.StorageSharedKeyCredential(options.account, options.accountKey);
        service = new sdk.BlobServiceClient(
          `https://${options.account}.blob.core.windows.net`,
          credential,
        );
      } else {
        throw new ConfigError(
          "The azure storage needs connectionString (or env AZURE_STORAGE_CONNECTION_STRING), or account and accountKey.",
          { key: "connectionString" },
        );
      }
      return { sdk, container: service.getContainerClient(options.container) };
    })();
    return loaded;
  };
  const blob = async (name: string) => {
    const { sdk, container } = await load();
    return { sdk, client: container.getBlockBlobClient(toKey(name)) };
  };

  const status = (error: unknown) => (error as { statusCode?: number }).statusCode;
  const isTaken = (error: unknown) => {
    const code = (error as { code?: string }).code;
    // A racing writer's commit discards our uncommitted blocks: that is also "taken".
    return status(error) === 409 || status(error) === 412 || code === "InvalidBlockList";
  };

  return {
    kind: "azure",
    acceptsBytes: true,

    async put(name, body, writeOptions) {
      const { client } = await blob(name);
      const uploadOptions: Azure.BlockBlobUploadOptions = {
        blobHTTPHeaders: {
          blobContentType: writeOptions.contentType,
          blobCacheControl: writeOptions.cacheControl ?? options.cacheControl,
          blobContentDisposition: writeOptions.contentDisposition,
        },
        metadata: encodeMetadata(writeOptions.metadata),
        conditions: writeOptions.ifNoneMatch ? { ifNoneMatch: "*" } : undefined,
        abortSignal: writeOptions.signal,
      };
      try {
        const { head, rest } =
          Buffer.isBuffer(body) && body.length <= blockSize
            ? { head: body, rest: null }
            : await readHead(bodyStream(body), blockSize);
        // Small bodies in one Put Blob: atomic, and one request instead of two.
        if (rest === null) await client.upload(head, head.length, uploadOptions);
        else await client.uploadStream(rest, blockSize, options.maxConcurrency ?? 4, uploadOptions);
      } catch (error) {
        if (writeOptions.ifNoneMatch && isTaken(error))
          throw new NameTakenError(name, { cause: error });
        throw error;
      }
    },

    async get(name, getOptions) {
      const { client } = await blob(name);
      const range = getOptions.range;
      const count = range?.end === undefined ? undefined : range.end - range.start + 1;
      try {
        const result = await client.download(range?.start ?? 0, count, {
          abortSignal: getOptions.signal,
        });
        return result.readableStreamBody as Readable;
      } catch (error) {
        if (status(error) === 404) return null;
        // A range past the end of the blob: there are no bytes to give.
        if (status(error) === 416) return Readable.from([]);
        throw error;
      }
    },

    async head(name): Promise<StorageStat | null> {
      const { client } = await blob(name);
      try {
        const props = await client.getProperties();
        return {
          name,
          size: props.contentLength ?? 0,
          lastModified: props.lastModified ?? new Date(0),
          contentType: props.contentType,
          etag: props.etag,
          metadata: decodeMetadata(props.metadata),
        };
      } catch (error) {
        if (status(error) === 404) return null;
        throw error;
      }
    },

    async delete(name) {
      const { client } = await blob(name);
      await client.deleteIfExists();
    },

    async *list(prefix): AsyncGenerator<ListEntry> {
      const { container } = await load();
      const pages = container
        .listBlobsFlat({ prefix: toKey(prefix) })
        .byPage({ maxPageSize: options.pageSize ?? 1000 });
      for await (const page of pages) {
        for (const item of page.segment.blobItems) {
          yield {
            name: fromKey(item.name),
            size: item.properties.contentLength ?? 0,
            lastModified: item.properties.lastModified,
          };
        }
      }
    },

    url(name) {
      const key = encodeName(toKey(name));
      if (options.customDomain) return customDomainUrl(options.customDomain, key);
      return `${containerUrl(options)}/${key}`;
    },

    async presignUpload(name, presignOptions) {
      const { sdk, client } = await blob(name);
      return presignAzurePut(sdk, client, presignOptions);
    },

    async signedUrl(name, signOptions) {
      const { sdk, client } = await blob(name);
      return client.generateSasUrl({
        permissions: sdk.BlobSASPermissions.parse("r"),
        expiresOn: new Date(Date.now() + signOptions.expiresIn * 1000),
        contentDisposition: signOptions.disposition
          ? dispositionHeader(signOptions.disposition)
          : undefined,
      });
    },
  };
}

/** The container's URL without loading the SDK (so `url()` stays synchronous). */
function containerUrl(options: AzureOptions): string {
  if (options.client) return options.client.url;
  const connectionString =
    options.connectionString ?? process.env.AZURE_STORAGE_CONNECTION_STRING ?? "";
  const parts = new Map(
    connectionString
      .split(";")
      .filter(Boolean)
      .map((part) => {
        const at = part.indexOf("=");
        return [part.slice(0, at), part.slice(at + 1)] as const;
      }),
  );
  const account = parts.get("AccountName") ?? options.account;
  const endpoint =
    parts.get("BlobEndpoint") ??
    `${parts.get("DefaultEndpointsProtocol") ?? "https"}://${account}.blob.${parts.get("EndpointSuffix") ?? "core.windows.net"}`;
  return `${endpoint.replace(/\/+$/, "")}/${options.container}`;
}

/**
 * Read up to `limit` bytes. When the body ends within them, `rest` is null;
 * otherwise `rest` replays those bytes and then the remainder of the body.
 */
async function readHead(
  body: Readable,
  limit: number,
): Promise<{ head: Buffer; rest: Readable | null }> {
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let size = 0;
  while (size <= limit) {
    const next = await iterator.next();
    if (next.done) return { head: Buffer.concat(chunks), rest: null };
    chunks.push(next.value);
    size += next.value.length;
  }
  const rest = Readable.from(
    (async function* () {
      yield* chunks;
      for (let next = await iterator.next(); !next.done; next = await iterator.next())
        yield next.value;
    })(),
    { objectMode: false },
  );
  return { head: Buffer.alloc(0), rest };
}
