import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { BlobServiceClient } from "@azure/storage-blob";
import type { Kysely } from "kysely";
import { openDatabase } from "../../src/media/database.js";
import type { AnyDatabase, Storages } from "../../src/media/types.js";
import { createStorage } from "../../src/storage/index.js";
import type { Storage } from "../../src/storage/types.js";
import {
  azuriteConnectionString,
  type Service,
  s3rverClient,
  startAzurite,
  startS3rver,
} from "../storage/services/start.js";
import { type PostgresCluster, postgresMissing, startPostgres } from "../support/postgres.js";

/** The references every matrix test configures: two tables for `default`, one for `private`. */
export const REFERENCES = [
  { table: "documents", column: "file" },
  { table: "avatars", column: "image" },
  { table: "private_files", column: "file", storage: "private" },
];

export type StorageKind = "fs" | "memory" | "s3" | "azure";
export type DatabaseKind = "sqlite" | "postgres";

export interface StorageFixture {
  storages: Storages;
  remove(): Promise<void>;
}

export interface DatabaseFixture {
  url: string;
  db: Kysely<AnyDatabase>;
  remove(): Promise<void>;
}

/**
 * Starts what the matrix needs once per test file (s3rver, Azurite, a
 * PostgreSQL cluster) and builds fresh storages and databases per test.
 */
export class Services {
  s3rver?: Service;
  s3client?: S3Client;
  azurite?: Service;
  postgres?: PostgresCluster;
  readonly postgresSkip = postgresMissing();

  async start(kinds: { storages: StorageKind[]; databases: DatabaseKind[] }): Promise<void> {
    await Promise.all([
      kinds.storages.includes("s3") &&
        startS3rver(["media"]).then((service) => {
          this.s3rver = service;
          this.s3client = s3rverClient(service.endpoint);
        }),
      kinds.storages.includes("azure") &&
        startAzurite().then(async (service) => {
          this.azurite = service;
          const connection = azuriteConnectionString(service.endpoint);
          await BlobServiceClient.fromConnectionString(connection)
            .getContainerClient("media")
            .create();
        }),
      kinds.databases.includes("postgres") &&
        !this.postgresSkip &&
        startPostgres().then((cluster) => {
          this.postgres = cluster;
        }),
    ]);
  }

  async stop(): Promise<void> {
    this.s3client?.destroy();
    await Promise.all([this.s3rver?.stop(), this.azurite?.stop(), this.postgres?.stop()]);
  }

  /** `default` and `private` storages of one kind, empty, for one test. */
  async storages(kind: StorageKind): Promise<StorageFixture> {
    const location = `t-${randomUUID()}`;
    const two = (make: (name: string) => Storage): Storages => ({
      default: make("public"),
      private: make("private"),
    });
    switch (kind) {
      case "memory":
        return { storages: two(() => createStorage("memory://")), remove: async () => undefined };
      case "fs": {
        const root = await mkdtemp(path.join(tmpdir(), "stowage-media-"));
        return {
          storages: two((name) => createStorage({ driver: "fs", root: path.join(root, name) })),
          remove: () => rm(root, { recursive: true, force: true }),
        };
      }
      case "s3":
        return {
          storages: two((name) =>
            createStorage({
              driver: "s3",
              bucket: "media",
              location: `${location}/${name}`,
              client: this.s3client,
              // s3rver ignores If-None-Match; small pages make every listing paginate.
              conditionalPut: false,
              pageSize: 2,
            }),
          ),
          remove: async () => undefined,
        };
      case "azure":
        return {
          storages: two((name) =>
            createStorage({
              driver: "azure",
              container: "media",
              location: `${location}/${name}`,
              connectionString: azuriteConnectionString(this.azurite!.endpoint),
              pageSize: 2,
            }),
          ),
          remove: async () => undefined,
        };
    }
  }

  /** A fresh database with the reference tables, for one test. */
  async database(kind: DatabaseKind): Promise<DatabaseFixture> {
    let url: string;
    let folder: string | undefined;
    if (kind === "postgres") {
      url = await this.postgres!.createDatabase();
    } else {
      folder = await mkdtemp(path.join(tmpdir(), "stowage-media-db-"));
      url = `sqlite:${path.join(folder, "app.db")}`;
    }
    const db = await openDatabase(url);
    for (const [table, column] of [
      ["documents", "file"],
      ["avatars", "image"],
      ["private_files", "file"],
    ]) {
      await db.schema
        .createTable(table)
        .addColumn("id", "integer", (col) => col.primaryKey())
        .addColumn(column, "text")
        .execute();
    }
    return {
      url,
      db,
      async remove() {
        await db.destroy();
        if (folder) await rm(folder, { recursive: true, force: true });
      },
    };
  }
}

/** Every stored name, sorted. */
export async function storedNames(storage: Storage): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of storage.list()) names.push(entry.name);
  return names.sort();
}

/** A storage like `inner` whose calls can be intercepted. */
export function interceptedStorage(
  inner: Storage,
  overrides: Partial<Pick<Storage, "stat" | "delete" | "list">>,
): Storage {
  return {
    save: (name, content, options) => inner.save(name, content, options),
    copy: (from, to, options) => inner.copy(from, to, options),
    open: (name, options) => inner.open(name, options),
    read: (name) => inner.read(name),
    delete: overrides.delete ?? ((name) => inner.delete(name)),
    exists: (name) => inner.exists(name),
    stat: overrides.stat ?? ((name) => inner.stat(name)),
    list: overrides.list ?? ((prefix) => inner.list(prefix)),
    url: (name) => inner.url(name),
    signedUrl: (name, options) => inner.signedUrl(name, options),
  };
}

/** A variant name of `original` as the images module writes them. */
export function variantOf(original: string, variant = "thumb"): string {
  return `${original}.${variant}-1a2b3c4d.webp`;
}
