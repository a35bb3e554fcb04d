import { randomUUID } from "node:crypto";
import { lookup } from "mrmime";
import { suggestion } from "../../option-keys.js";
import type { PresignedUpload } from "../../storage/direct/types.js";
import { encodeName } from "../../storage/driver.js";
import {
  MalformedUploadError,
  UnsafeFilenameError,
  UploadSizeError,
  UploadValidationError,
} from "../errors.js";
import { UploadedFile } from "../file.js";
import { extensionOf, sanitizeFilename, storageSafeName, unsafeFilenameReason } from "../naming.js";
import { extensions } from "../validators.js";
import type { ResolvedDirectOptions } from "./options.js";
import { signTicket, type Ticket } from "./ticket.js";

/** What the browser asks for (its JSON body, handed over by the app's route). */
export interface PrepareRequest {
  /** Field whose rules apply. */
  field: string;
  /** The file's name on the user's machine. */
  filename: string;
  /** The file's size in bytes. */
  size: number;
  /** Hex SHA-256 of the file, checked at confirm when given. */
  sha256?: string;
  /** `direct` (straight to storage) or `tus` (resumable). @default "direct" */
  method?: "direct" | "tus";
}

/** What the browser needs: the ticket to send back to confirm, and where to send the bytes. */
export interface PreparedUpload {
  ticket: string;
  method: "direct" | "tus";
  /** Where the bytes go: a form POST, a PUT, or a tus endpoint with its metadata. */
  upload:
    | PresignedUpload
    | { method: "TUS"; url: string; metadata: Record<string, string>; enforcesMaxSize: true };
  /** The field's limit, in bytes. */
  maxSize: number;
  /** ISO time after which the upload may no longer start. */
  expiresAt: string;
}

const REQUEST_KEYS = ["field", "filename", "size", "sha256", "method"];

/** The browser's request, checked key by key; anything else is a 400 naming the problem. */
function checkRequest(request: unknown, options: ResolvedDirectOptions): PrepareRequest {
  if (typeof request !== "object" || request === null) {
    throw new MalformedUploadError(
      "The upload request must be a JSON object with field, filename and size.",
    );
  }
  const given = request as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!REQUEST_KEYS.includes(key)) {
      throw new MalformedUploadError(
        `Unknown key "${key}" in the upload request.${suggestion(key, REQUEST_KEYS)} Known keys: ${REQUEST_KEYS.join(", ")}.`,
      );
    }
  }
  const { field, filename, size, sha256, method } = given;
  if (typeof field !== "string" || !Object.hasOwn(options.fields, field)) {
    throw new MalformedUploadError(
      `The upload request names the field ${JSON.stringify(field)}, which takes no direct uploads; expected one of: ${Object.keys(options.fields).join(", ")}.`,
    );
  }
  if (typeof filename !== "string" || filename === "") {
    throw new MalformedUploadError("The upload request needs the file's name.", { field });
  }
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
    throw new MalformedUploadError("The upload request needs the file's size in bytes.", { field });
  }
  if (sha256 !== undefined && (typeof sha256 !== "string" || !/^[0-9a-f]{64}$/i.test(sha256))) {
    throw new MalformedUploadError("sha256 must be 64 hexadecimal digits.", { field });
  }
  if (method !== undefined && method !== "direct" && method !== "tus") {
    throw new MalformedUploadError('method must be "direct" or "tus".', { field });
  }
  return { field, filename, size, sha256: sha256?.toLowerCase(), method };
}

/**
 * Checks what the browser declares against the field's rules (name, size,
 * extension: the refusals a form upload would give, before a byte is sent)
 * and returns where to send the bytes and the ticket that confirms them.
 */
export async function prepareUpload(
  options: ResolvedDirectOptions,
  request: unknown,
  context: { owner?: string; now?: number } = {},
): Promise<PreparedUpload> {
  const checked = checkRequest(request, options);
  const field = options.fields[checked.field];
  const reason = unsafeFilenameReason(checked.filename);
  if (reason) throw new UnsafeFilenameError(checked.field, checked.filename, reason);
  const filename = sanitizeFilename(checked.filename);
  if (checked.size > field.maxSize) {
    throw new UploadSizeError("fileSize", field.maxSize, checked.size, {
      field: checked.field,
      complete: true,
    });
  }
  if (field.extensions) {
    const declared = new UploadedFile({
      field: checked.field,
      filename,
      clientName: checked.filename,
      size: checked.size,
      clientType: undefined,
      detectedType: "application/octet-stream",
      detectedExtension: "",
      sha256: "",
      buffer: Buffer.alloc(0),
      path: undefined,
    });
    const validator = extensions(field.extensions);
    const message = await validator.validate(declared);
    if (message !== undefined) {
      throw new UploadValidationError([{ field: checked.field, rule: validator.rule, message }]);
    }
  }
  const method = checked.method ?? "direct";
  if (method === "tus" && options.tusPath === undefined) {
    throw new MalformedUploadError("Resumable (tus) uploads are not enabled here: set tusPath.", {
      field: checked.field,
    });
  }
  const ext = extensionOf(storageSafeName(filename));
  const key = `${options.pendingPrefix}${randomUUID()}${ext ? `.${ext}` : ""}`;
  const type = lookup(filename) ?? "application/octet-stream";
  const now = context.now ?? Date.now();
  const ticket: Ticket = {
    field: checked.field,
    storage: field.storage,
    key,
    filename,
    size: checked.size,
    type,
    method,
    expires: Math.floor(now / 1000) + options.expiresIn,
    ...(checked.sha256 ? { sha256: checked.sha256 } : {}),
    ...(context.owner !== undefined ? { owner: context.owner } : {}),
  };
  const token = signTicket(options.secret, ticket);
  const storage = options.storages[field.storage];
  let upload: PreparedUpload["upload"];
  if (method === "tus") {
    upload = {
      method: "TUS",
      url: options.tusPath as string,
      metadata: { ticket: token, filename, filetype: type },
      enforcesMaxSize: true,
    };
  } else if (storage.presignUpload) {
    upload = await storage.presignUpload(key, {
      maxSize: field.maxSize,
      contentType: type,
      expiresIn: options.expiresIn,
    });
  } else {
    upload = {
      method: "PUT",
      url: `${options.endpoint}${encodeName(key)}?ticket=${token}`,
      headers: { "Content-Type": type },
      enforcesMaxSize: true,
    };
  }
  return {
    ticket: token,
    method,
    upload,
    maxSize: field.maxSize,
    expiresAt: new Date(ticket.expires * 1000).toISOString(),
  };
}
