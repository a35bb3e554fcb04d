import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { DataStore, Upload } from "@tus/server";
import { ConfigError, importOptional } from "../../errors.js";
import { localFile } from "../../storage/types.js";
import { UploadError, UploadSizeError } from "../errors.js";
import { claimTicket, type FastifyOnRequest, fastifyHook } from "./endpoint.js";
import type { ResolvedDirectOptions } from "./options.js";
import { assertNotExpired, type Ticket, verifyTicket } from "./ticket.js";

/** The part of a tus `DataStore` Stowage relies on. */
export interface TusDataStore {
  create(upload: never): Promise<unknown>;
  getUpload(id: string): Promise<unknown>;
  remove(id: string): Promise<void>;
}

export interface TusOptions {
  /**
   * Folder for incomplete uploads (a `@tus/file-store` FileStore). Keep it
   * outside every storage's root: a finished upload is moved into the
   * storage's pending prefix (linked, not copied, on the same disk).
   */
  directory?: string;
  /**
   * A ready tus store instead (a `DataStore`, as `@tus/server` exports it, e.g. the
   * `S3Store` of `@tus/s3-store`). Declared loosely so these types never
   * need the tus packages installed.
   */
  datastore?: TusDataStore;
  /**
   * Milliseconds after its creation at which an incomplete upload expires;
   * `removeExpired()` deletes the expired ones.
   * @default 86_400_000 (24 hours)
   */
  expiresAfter?: number;
}

/** A mounted tus 1.0 endpoint (`@tus/server`) whose uploads are prepared and confirmed like direct ones. */
export interface TusUploads {
  /** node:http / Express: answers the tus requests under `tusPath`. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** fetch runtimes. */
  handleWeb(request: Request): Promise<Response>;
  /** Fastify: `fastify.addHook("onRequest", tus.fastifyHook())`; tus reads the raw body itself. */
  fastifyHook(): FastifyOnRequest;
  /** Deletes incomplete uploads past `expiresAfter`; returns how many. */
  removeExpired(): Promise<number>;
  /**
   * Moves the ticket's upload to its pending key if it is complete in the
   * tus store (its move failed when it finished); `false` when it is not
   * there or not complete. Confirm calls it before giving up.
   */
  finish(ticket: Ticket): Promise<boolean>;
}

type TusModule = typeof import("@tus/server");
type TusError = { status_code: number; body: string };

/** A tus error answer carrying an upload error's status and message. */
function refusal(error: unknown): TusError {
  if (error instanceof UploadError)
    return { status_code: error.status, body: `${error.message}\n` };
  throw error;
}

/** The upload id a ticket gets: one id per ticket, so a second creation finds the first. */
function uploadId(ticket: Ticket): string {
  return createHash("sha256").update(ticket.key).digest("hex").slice(0, 32);
}

/**
 * tus 1.0 resumable uploads on `@tus/server` and its stores (optional peers).
 * Creation needs a ticket from `prepare({ method: "tus" })` in the
 * `Upload-Metadata` (the client module sends it): its signature, expiry and
 * single use are checked, and the declared `Upload-Length` against the
 * field's limit (413 before a byte is stored); a deferred length is refused.
 * A finished upload is moved to the ticket's pending key, where `confirm`
 * checks it as it checks a direct upload.
 */
export async function createTusUploads(
  options: ResolvedDirectOptions,
  tus: TusOptions,
): Promise<TusUploads> {
  if (options.tusPath === undefined) {
    throw new ConfigError("Resumable uploads need tusPath, the URL path tus is mounted at.", {
      key: "tusPath",
    });
  }
  const mount = options.tusPath.replace(/\/$/, "");
  const { Server } = await importOptional<TusModule>("@tus/server", "Resumable uploads");
  const expiresAfter = tus.expiresAfter ?? 24 * 3600 * 1000;
  let datastore = tus.datastore as DataStore | undefined;
  if (datastore === undefined) {
    if (tus.directory === undefined) {
      throw new ConfigError(
        "Resumable uploads need a directory (or a datastore) for incomplete uploads.",
        {
          key: "tus.directory",
        },
      );
    }
    const { FileStore } = await importOptional<typeof import("@tus/file-store")>(
      "@tus/file-store",
      "Resumable uploads to a folder",
    );
    datastore = new FileStore({
      directory: tus.directory,
      expirationPeriodInMilliseconds: expiresAfter,
    });
  }
  const store = datastore;
  const largest = Math.max(0, ...Object.values(options.fields).map((field) => field.maxSize));
  const tickets = new WeakMap<object, Ticket>();

  const ticketOf = (metadata: Record<string, string | null> | undefined): Ticket => {
    const ticket = verifyTicket(options.secret, metadata?.ticket);
    if (ticket.method !== "tus")
      throw new UploadError("E_TICKET_KEY", "This ticket is not for a resumable upload.", {
        status: 403,
      });
    return ticket;
  };

  const server = new Server({
    path: mount,
    datastore: store,
    relativeLocation: true,
    async namingFunction(req, metadata) {
      try {
        const ticket = ticketOf(metadata);
        tickets.set(req, ticket);
        return uploadId(ticket);
      } catch (error) {
        throw refusal(error);
      }
    },
    maxSize(req) {
      const ticket = tickets.get(req);
      return ticket ? (options.fields[ticket.field]?.maxSize ?? largest) : largest;
    },
    async onUploadCreate(_req, upload) {
      try {
        const ticket = ticketOf(upload.metadata);
        assertNotExpired(ticket.expires);
        const field = options.fields[ticket.field];
        if (upload.sizeIsDeferred || upload.size === undefined) {
          throw new UploadError(
            "E_TUS_LENGTH",
            "Send Upload-Length: the size must be known before the upload starts.",
            { status: 400 },
          );
        }
        if (upload.size > field.maxSize) {
          throw new UploadSizeError("fileSize", field.maxSize, upload.size, {
            field: ticket.field,
            complete: true,
          });
        }
        if (upload.size !== ticket.size) {
          throw new UploadError(
            "E_TUS_LENGTH",
            `Upload-Length (${upload.size}) differs from the size given when the upload was prepared (${ticket.size}).`,
            { status: 400, field: ticket.field },
          );
        }
        await claimTicket(options, ticket);
        return {};
      } catch (error) {
        throw refusal(error);
      }
    },
    async onUploadFinish(_req, upload) {
      const ticket = ticketOf(upload.metadata);
      await moveFinished(options, store, upload, ticket);
      return {};
    },
  });

  return {
    handle: (req, res) => server.handle(req, res),
    handleWeb: (request) => server.handleWeb(request),
    fastifyHook: () =>
      fastifyHook(mount, (req, res, next) => {
        server.handle(req, res).catch(next);
      }),
    removeExpired: () => server.cleanUpExpiredUploads(),
    async finish(ticket) {
      let upload: Upload;
      try {
        upload = await store.getUpload(uploadId(ticket));
      } catch {
        return false;
      }
      if (upload.size === undefined || upload.offset !== upload.size) return false;
      await moveFinished(options, store, upload, ticket);
      return true;
    },
  };
}

/** The finished bytes to the ticket's pending key, then the tus upload forgotten. */
async function moveFinished(
  options: ResolvedDirectOptions,
  store: DataStore,
  upload: Upload,
  ticket: Ticket,
): Promise<void> {
  const storage = options.storages[ticket.storage];
  const local = upload.storage?.type === "file" ? upload.storage.path : undefined;
  const content = local
    ? localFile(local, { move: true })
    : await (store as DataStore & { read(id: string): Readable | Promise<Readable> }).read(
        upload.id,
      );
  const saved = await storage.save(ticket.key, content, { contentType: ticket.type });
  if (saved !== ticket.key) {
    await storage.delete(saved);
    throw { status_code: 409, body: "This upload was already finished once.\n" };
  }
  const configstore = (store as { configstore?: { delete(id: string): Promise<void> } })
    .configstore;
  if (local && configstore) await configstore.delete(upload.id);
  else await store.remove(upload.id).catch(() => undefined);
}
