import { UploadError } from "../errors.js";

/** Why a ticket or upload token is refused. */
export type TicketProblem = "invalid" | "expired" | "used" | "other-key" | "other-owner";

const TICKET_CODES: Record<TicketProblem, string> = {
  invalid: "E_TICKET_INVALID",
  expired: "E_TICKET_EXPIRED",
  used: "E_TICKET_USED",
  "other-key": "E_TICKET_KEY",
  "other-owner": "E_TICKET_OWNER",
};

const TICKET_MESSAGES: Record<TicketProblem, string> = {
  invalid: "The upload ticket is not valid: it was changed or not issued by this site.",
  expired: "The upload ticket has expired. Start the upload again.",
  used: "The upload ticket was already used. Start the upload again for a new one.",
  "other-key": "The upload ticket was issued for another file.",
  "other-owner": "The upload ticket was issued to someone else.",
};

/**
 * A direct-upload ticket (or the token in an upload URL) was refused (403):
 * tampered, expired, already used, or issued for another key or owner.
 */
export class TicketError extends UploadError {
  readonly problem: TicketProblem;

  constructor(problem: TicketProblem, options: { cause?: unknown } = {}) {
    super(TICKET_CODES[problem], TICKET_MESSAGES[problem], { ...options, status: 403 });
    this.problem = problem;
  }
}

/** The uploaded object is not in storage when it is confirmed (404). */
export class PendingUploadMissingError extends UploadError {
  constructor(field: string) {
    super(
      "E_UPLOAD_MISSING",
      "The uploaded file was not found in storage: the upload did not finish, or it was removed. Upload it again.",
      { status: 404, field },
    );
  }
}

/** The uploaded bytes do not have the SHA-256 the client declared (400). */
export class ChecksumMismatchError extends UploadError {
  constructor(field: string) {
    super(
      "E_CHECKSUM",
      "The uploaded file does not match its checksum: it was damaged or changed on the way. Upload it again.",
      { status: 400, field },
    );
  }
}
