import type { Storage } from "../../storage/types.js";
import { fileFailures } from "../check-file.js";
import { UploadSizeError, UploadValidationError } from "../errors.js";
import { type UploadContext, uploadName } from "../naming.js";
import { ChecksumMismatchError, PendingUploadMissingError, TicketError } from "./errors.js";
import type { ResolvedDirectOptions } from "./options.js";
import { StoredUpload, storedSha256 } from "./stored-file.js";
import { assertNotExpired, type Ticket, verifyTicket } from "./ticket.js";

/**
 * The part of a `stowage/media` unit of work confirm needs: a storage whose
 * saves and copies the unit tracks (deleted again if the work fails).
 */
export interface TrackingUnit {
  storage(name?: string): Storage;
}

export interface ConfirmOptions {
  /** The user confirming; must equal the owner given to `prepare`, when one was. */
  owner?: string;
  /** Values for `{placeholder}`s in the field's `uploadTo`, e.g. `{ user: 42 }`. */
  context?: UploadContext;
  /** Hand the file to this unit of work (`media.unitOfWork(async (unit) => ...)`). */
  unit?: TrackingUnit;
  /** Clock for tests, ms. */
  now?: number;
}

/** A confirmed upload, stored under its final name. */
export interface ConfirmedUpload {
  field: string;
  /** Entry of `storages` it is in. */
  storage: string;
  /** Its final name (store this in the record). */
  name: string;
  /** The client's file name, sanitised. */
  filename: string;
  size: number;
  /** The type its bytes really are. */
  type: string;
  /** Hex SHA-256, when the client declared one (and it matched). */
  sha256: string | undefined;
  /** Width and height, when it is an image Stowage can read. */
  image: { width: number; height: number } | undefined;
}

/** The ticket's signature, owner and confirm deadline, checked. */
export function openTicket(
  options: ResolvedDirectOptions,
  token: unknown,
  confirm: ConfirmOptions,
): Ticket {
  const ticket = verifyTicket(options.secret, token);
  if (ticket.owner !== undefined && ticket.owner !== confirm.owner) {
    throw new TicketError("other-owner");
  }
  assertNotExpired(ticket.expires + options.confirmWithin, confirm.now);
  return ticket;
}

/**
 * Checks an uploaded object and moves it to its final name. Cheap checks
 * first on the pending object (it exists, its size is within the limit);
 * then it is copied to its final name (a name no upload grant covers, so
 * the bytes cannot change under the checks) and that copy is checked as a
 * form upload is: real type against the extension, the field's validators
 * (image dimensions read from the header), the checksum when one was
 * declared. A refused file is deleted at once and the error is the one a
 * form upload gives. Once copied, the pending object is gone.
 */
export async function confirmUpload(
  options: ResolvedDirectOptions,
  token: unknown,
  confirm: ConfirmOptions = {},
  finishTus?: (ticket: Ticket) => Promise<boolean>,
): Promise<ConfirmedUpload> {
  const ticket = openTicket(options, token, confirm);
  const field = options.fields[ticket.field];
  if (!field || field.storage !== ticket.storage) throw new TicketError("invalid");
  const storage = options.storages[ticket.storage];
  let pending = await storage.stat(ticket.key);
  // A finished tus upload whose move to the pending key failed is still in the tus store.
  if (pending === null && ticket.method === "tus" && (await finishTus?.(ticket))) {
    pending = await storage.stat(ticket.key);
  }
  if (pending === null) throw new PendingUploadMissingError(ticket.field);
  if (pending.size > field.maxSize) {
    await storage.delete(ticket.key);
    throw new UploadSizeError("fileSize", field.maxSize, pending.size, {
      field: ticket.field,
      complete: true,
    });
  }
  const target = confirm.unit ? confirm.unit.storage(ticket.storage) : storage;
  // A failed copy keeps the pending object, so confirm can be tried again.
  const name = await target.copy(
    ticket.key,
    uploadName(field.uploadTo, ticket.filename, confirm.context),
  );
  try {
    await storage.delete(ticket.key);
    return await checkStored(storage, name, ticket, field);
  } catch (error) {
    // The refusal (or the failure) is what the caller must hear; a failed unit of work deletes it too.
    await storage.delete(name).catch(() => undefined);
    throw error;
  }
}

async function checkStored(
  storage: Storage,
  name: string,
  ticket: Ticket,
  field: ResolvedDirectOptions["fields"][string],
): Promise<ConfirmedUpload> {
  const stat = await storage.stat(name);
  if (stat === null) throw new PendingUploadMissingError(ticket.field);
  if (stat.size > field.maxSize) {
    throw new UploadSizeError("fileSize", field.maxSize, stat.size, {
      field: ticket.field,
      complete: true,
    });
  }
  if (ticket.sha256 !== undefined && (await storedSha256(storage, name)) !== ticket.sha256) {
    throw new ChecksumMismatchError(ticket.field);
  }
  const file = await StoredUpload.open(storage, name, {
    field: ticket.field,
    filename: ticket.filename,
    size: stat.size,
    sha256: ticket.sha256 ?? "",
    clientType: ticket.type,
  });
  const failures = await fileFailures(file, field.uploadOptions);
  if (failures.length > 0) throw new UploadValidationError(failures);
  const image = await file.imageSize();
  return {
    field: ticket.field,
    storage: ticket.storage,
    name,
    filename: ticket.filename,
    size: stat.size,
    type: file.detectedType,
    sha256: ticket.sha256,
    image: image && { width: image.width, height: image.height },
  };
}
