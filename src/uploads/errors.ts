import { StowageError } from "../errors.js";
import { formatBytes } from "./format.js";

/**
 * The HTTP statuses upload errors carry, as a union so a framework that
 * types its status argument (Hono's `c.text(message, error.status)`) takes
 * them as they are.
 */
export type UploadErrorStatus = 400 | 403 | 404 | 408 | 413 | 415 | 500;

/** Every error `stowage/uploads` throws; `status` is the HTTP answer to give the client. */
export class UploadError extends StowageError {
  /** The form field the error concerns, when there is one. */
  readonly field: string | undefined;
  declare readonly status: UploadErrorStatus;
  /**
   * The text fields the parse had read completely when it stopped, shaped
   * as `result.fields` (each field's last value; no prototype), so a form
   * rendered again after the error keeps what the user typed, even without
   * JavaScript. Never a file's bytes, nor a field the failure cut short;
   * empty for an error raised outside a parse.
   */
  readonly fields: Readonly<Record<string, string>> = Object.create(null);

  constructor(
    code: string,
    message: string,
    options: { status: UploadErrorStatus; field?: string; cause?: unknown },
  ) {
    super(code, message, options);
    this.field = options.field;
  }
}

/**
 * Gives `error` the fields read before a parse stopped (a copy), for the
 * form to keep them. The parse calls it once, as it fails.
 */
export function keepFields(error: UploadError, fields: Record<string, string>): void {
  (error as { fields: Record<string, string> }).fields = Object.assign(Object.create(null), fields);
}

/** Which size limit tripped, for the stable code and the message. */
export type SizeLimit =
  | "fileSize"
  | "totalSize"
  | "fieldSize"
  | "fieldsTotalSize"
  | "headerSize"
  | "fieldNameSize";

const SIZE_CODES: Record<SizeLimit, string> = {
  fileSize: "E_LIMIT_FILE_SIZE",
  totalSize: "E_LIMIT_TOTAL_SIZE",
  fieldSize: "E_LIMIT_FIELD_SIZE",
  fieldsTotalSize: "E_LIMIT_FIELDS_TOTAL_SIZE",
  headerSize: "E_LIMIT_HEADER_SIZE",
  fieldNameSize: "E_LIMIT_FIELD_NAME_SIZE",
};

const SIZE_SUBJECTS: Record<SizeLimit, string> = {
  fileSize: "File size",
  totalSize: "The whole upload",
  fieldSize: "A form field's value",
  fieldsTotalSize: "The form's field values together",
  headerSize: "A form part's headers",
  fieldNameSize: "A form field's name",
};

/**
 * A size limit tripped (413). When it trips while the body is still arriving
 * the true size is unknown, so the message says "at least".
 */
export class UploadSizeError extends UploadError {
  readonly limit: SizeLimit;
  /** The configured maximum, in bytes. */
  readonly max: number;
  /** Bytes seen when the limit tripped: a lower bound unless `complete`. */
  readonly received: number;

  constructor(
    limit: SizeLimit,
    max: number,
    received: number,
    options: { field?: string; complete?: boolean } = {},
  ) {
    const subject = SIZE_SUBJECTS[limit];
    const where = options.field === undefined ? "" : ` (field "${options.field}")`;
    const amount = options.complete ? formatBytes(received) : `at least ${formatBytes(received)}`;
    const yours =
      limit === "fileSize" ? "Your file is" : limit === "fieldsTotalSize" ? "They are" : "It is";
    super(
      SIZE_CODES[limit],
      `${subject}${where} must be under ${formatBytes(max, { short: true })}. ${yours} ${amount}.`,
      { status: 413, field: options.field },
    );
    this.limit = limit;
    this.max = max;
    this.received = received;
  }
}

/** Which count limit tripped. */
export type CountLimit = "files" | "fields" | "parts";

const COUNT_CODES: Record<CountLimit, string> = {
  files: "E_LIMIT_FILES",
  fields: "E_LIMIT_FIELDS",
  parts: "E_LIMIT_PARTS",
};

/** Too many files, fields or parts (400). */
export class UploadCountError extends UploadError {
  readonly limit: CountLimit;
  readonly max: number;

  constructor(limit: CountLimit, max: number) {
    const noun = limit === "files" ? "files" : limit === "fields" ? "form fields" : "form parts";
    super(COUNT_CODES[limit], `Too many ${noun}: send at most ${max} ${noun} in one request.`, {
      status: 400,
    });
    this.limit = limit;
    this.max = max;
  }
}

/** The body is not a well-formed form (400). The message says what was wrong. */
export class MalformedUploadError extends UploadError {
  constructor(message: string, options: { field?: string; cause?: unknown } = {}) {
    super("E_MALFORMED", message, { ...options, status: 400 });
  }
}

/** Longest piece of a refused name quoted back in a message. */
const MAX_QUOTED_NAME = 100;

/** A client's name quoted for a message: control characters shown as `\xNN`, long names cut. */
function quoteName(raw: string): string {
  const cut = raw.length > MAX_QUOTED_NAME ? `${raw.slice(0, MAX_QUOTED_NAME)}…` : raw;
  const shown = cut.replace(
    /[\u0000-\u001f\u007f]/g,
    (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return `"${shown}"`;
}

/**
 * A file part's name is a path, not a plain file name (400): `../../x`,
 * `/etc/x`, `C:\x`, `..&#x2F;x`, or one with control characters. Nothing of
 * the upload is kept. `filenames: "basename"` accepts such names instead.
 */
export class UnsafeFilenameError extends UploadError {
  /** The name exactly as the client sent it. */
  readonly filename: string;

  constructor(field: string, filename: string, reason: "folders" | "control characters") {
    super(
      "E_UNSAFE_FILENAME",
      `The file name of "${field}" must be a plain name without ${reason}; got ${quoteName(filename)}.`,
      { status: 400, field },
    );
    this.filename = filename;
  }
}

/** Which time limit tripped: nothing arrived for `idleTimeout`, or the whole upload outlasted `maxDuration`. */
export type TimeLimit = "idle" | "duration";

/**
 * The client was too slow (408): it stopped sending for longer than
 * `idleTimeout` (`E_TIMEOUT`), or the whole body took longer than
 * `maxDuration` (`E_TIMEOUT_DURATION`), e.g. a client dribbling a byte a second.
 */
export class UploadTimeoutError extends UploadError {
  readonly timeoutMs: number;
  readonly limit: TimeLimit;

  constructor(timeoutMs: number, received: number, limit: TimeLimit = "idle") {
    super(
      limit === "idle" ? "E_TIMEOUT" : "E_TIMEOUT_DURATION",
      limit === "idle"
        ? `The upload stalled: nothing arrived for ${timeoutMs / 1000} s after ${formatBytes(received)}. Check the connection and try again.`
        : `The upload took longer than ${timeoutMs / 1000} s (${formatBytes(received)} arrived); it must finish within that time. Try a faster connection or a smaller file.`,
      { status: 408 },
    );
    this.timeoutMs = timeoutMs;
    this.limit = limit;
  }
}

/**
 * A file arrived in a field the form does not take files in, or one file
 * too many arrived in a field (400), with the `files` option set. Refused
 * before a byte of that file is stored.
 */
export class UnexpectedFileError extends UploadError {
  /** The most files the field takes (0: none). */
  readonly max: number;

  constructor(field: string, max: number, allowed: string[]) {
    const fields = allowed.length > 0 ? allowed.map((name) => `"${name}"`).join(", ") : "none";
    super(
      "E_UNEXPECTED_FILE",
      max === 0
        ? `Unexpected file in field "${field}": this form takes files only in ${fields}.`
        : `Too many files in field "${field}": it takes at most ${max} ${max === 1 ? "file" : "files"}.`,
      { status: 400, field },
    );
    this.max = max;
  }
}

/** The client went away before the body was complete (400; nobody reads the answer). */
export class UploadAbortedError extends UploadError {
  constructor(received: number, options: { cause?: unknown } = {}) {
    super(
      "E_ABORTED",
      `The upload was interrupted after ${formatBytes(received)}. Please try again.`,
      { ...options, status: 400 },
    );
  }
}

/** One failed validation rule on one field. */
export interface FieldError {
  field: string;
  /**
   * The rule's name, e.g. `extension`, `maxSize`, `realType`,
   * `imageDimensions`, or `required` for a required file field left empty.
   */
  rule: string;
  message: string;
}

/** The failure of a `files` field marked `required` that got no file. */
export function missingFile(field: string): FieldError {
  return {
    field,
    rule: "required",
    message: `No file was sent in "${field}": choose a file to upload.`,
  };
}

/**
 * One or more files were refused by a validator, or required file fields
 * got none. `code` is `E_MISSING_FILE` when every failure is a missing
 * required file, `E_VALIDATION` otherwise; `status` is 413 when every
 * failure is a size rule, 400 otherwise. `errors` groups the messages by
 * field, ready for a form.
 */
export class UploadValidationError extends UploadError {
  readonly failures: FieldError[];

  constructor(failures: FieldError[]) {
    const first = failures[0];
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more)` : "";
    const every = (rule: string) =>
      failures.length > 0 && failures.every((failure) => failure.rule === rule);
    super(
      every("required") ? "E_MISSING_FILE" : "E_VALIDATION",
      `${first?.message ?? "The upload is not valid."}${more}`,
      { status: every("maxSize") ? 413 : 400, field: first?.field },
    );
    this.failures = failures;
  }

  /** The rule of the first failure, for callers that branch on one. */
  get rule(): string | undefined {
    return this.failures[0]?.rule;
  }

  /** Messages grouped by field: `{ avatar: ["..."] }`. */
  get errors(): Record<string, string[]> {
    const grouped: Record<string, string[]> = Object.create(null);
    for (const failure of this.failures) {
      grouped[failure.field] ??= [];
      grouped[failure.field].push(failure.message);
    }
    return grouped;
  }
}
