import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ConfirmedUpload, type ConfirmOptions, confirmUpload } from "./confirm.js";
import { type FastifyOnRequest, fastifyHook, fetchEndpoint, nodeEndpoint } from "./endpoint.js";
import {
  type DirectUploadOptions,
  type ResolvedDirectOptions,
  resolveDirectOptions,
} from "./options.js";
import { type PreparedUpload, prepareUpload } from "./prepare.js";
import { type SweepPendingOptions, type SweepPendingReport, sweepPending } from "./sweep.js";
import { createTusUploads, type TusOptions, type TusUploads } from "./tus.js";

/** Direct and resumable uploads for a set of fields; see `createDirectUploads`. */
export interface DirectUploads {
  /** The options in force, defaults applied. */
  readonly options: ResolvedDirectOptions;
  /**
   * For the app's own route (it decides who may upload): checks what the
   * browser declares (`{ field, filename, size, sha256?, method? }`) and
   * returns where to send the bytes and the ticket. `owner` binds the ticket
   * to a user: confirm then needs the same one.
   */
  prepare(request: unknown, context?: { owner?: string }): Promise<PreparedUpload>;
  /** Checks the uploaded object and moves it to its final name; see `ConfirmOptions`. */
  confirm(ticket: unknown, options?: ConfirmOptions): Promise<ConfirmedUpload>;
  /** Stowage's upload endpoint for fs/memory storages, for node:http / Express (`app.use`). */
  nodeHandler(): (
    req: IncomingMessage,
    res: ServerResponse,
    next?: (error?: unknown) => void,
  ) => void;
  /** The same endpoint for Fastify: `fastify.addHook("onRequest", direct.fastifyHook())`. */
  fastifyHook(): FastifyOnRequest;
  /** The same endpoint for fetch runtimes: a `Response`, or `null` outside `endpoint`. */
  fetchHandler(): (request: Request) => Promise<Response | null>;
  /** Removes abandoned pending objects older than `olderThan`; see `sweepPending`. */
  sweepPending(options?: SweepPendingOptions): Promise<SweepPendingReport>;
  /** The tus endpoint at `tusPath` (needs `@tus/server`, and `@tus/file-store` for a folder). */
  tus(options: TusOptions): Promise<TusUploads>;
}

/**
 * Uploads that go from the browser straight to storage (S3/GCS presigned
 * POST, Azure SAS, Stowage's own endpoint on fs and memory) or resumably
 * over tus, land under a pending prefix, and count only once `confirm` has
 * checked them with a form upload's rules.
 */
export function createDirectUploads(options: DirectUploadOptions): DirectUploads {
  const resolved = resolveDirectOptions(options);
  let tus: TusUploads | undefined;
  return {
    options: resolved,
    prepare: (request, context) => prepareUpload(resolved, request, context),
    confirm: (ticket, confirmOptions) =>
      confirmUpload(
        resolved,
        ticket,
        confirmOptions,
        (opened) => tus?.finish(opened) ?? Promise.resolve(false),
      ),
    nodeHandler: () => nodeEndpoint(resolved),
    fetchHandler: () => fetchEndpoint(resolved),
    fastifyHook: () => fastifyHook(resolved.endpoint, nodeEndpoint(resolved)),
    async tus(tusOptions) {
      tus = await createTusUploads(resolved, tusOptions);
      return tus;
    },
    sweepPending: (sweepOptions) => sweepPending(resolved, sweepOptions),
  };
}

/**
 * The folder holding the browser module `stowage/client` as plain JS
 * (`index.js`): add it to `static.dirs` (`{ prefix: "stowage-client", dir:
 * clientAssetDir() }`) and load `staticUrl("stowage-client/index.js")` in a page.
 */
export function clientAssetDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../client");
}

export type { ConfirmedUpload, ConfirmOptions, TrackingUnit } from "./confirm.js";
export type { FastifyOnRequest } from "./endpoint.js";
export {
  ChecksumMismatchError,
  PendingUploadMissingError,
  TicketError,
  type TicketProblem,
} from "./errors.js";
export type { DirectField, DirectUploadOptions, ResolvedDirectOptions } from "./options.js";
export type { PreparedUpload, PrepareRequest } from "./prepare.js";
export type { SweepPendingOptions, SweepPendingReport } from "./sweep.js";
export type { Ticket } from "./ticket.js";
export type { TusDataStore, TusOptions, TusUploads } from "./tus.js";
