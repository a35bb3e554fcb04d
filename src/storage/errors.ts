import { StowageError } from "../errors.js";

/** The object does not exist (a real not-found, never an auth or network failure). */
export class StorageNotFoundError extends StowageError {
  readonly objectName: string;

  constructor(name: string, options?: { cause?: unknown }) {
    super("E_NOT_FOUND", `No stored file is named ${JSON.stringify(name)}.`, {
      ...options,
      status: 404,
    });
    this.objectName = name;
  }
}

/** A name cannot be used as a storage key (empty, `.`/`..`, NUL, too long, ...). */
export class InvalidNameError extends StowageError {
  readonly objectName: string;

  constructor(name: string, reason: string, options?: { cause?: unknown }) {
    super("E_INVALID_NAME", `The file name ${JSON.stringify(name)} is not usable: ${reason}.`, {
      ...options,
      status: 400,
    });
    this.objectName = name;
  }
}

/**
 * Every candidate name was taken while saving. Happens only when many saves of
 * one name race on a driver that cannot commit a stream under another name.
 */
export class NameConflictError extends StowageError {
  readonly objectName: string;

  constructor(name: string, options?: { cause?: unknown }) {
    super(
      "E_NAME_CONFLICT",
      `Could not find a free name for ${JSON.stringify(name)}: other saves took every candidate. Retry the save.`,
      { ...options, status: 409 },
    );
    this.objectName = name;
  }
}

/** A byte range that cannot be read (negative, or end before start). */
export class InvalidRangeError extends StowageError {
  constructor(message: string) {
    super("E_INVALID_RANGE", message, { status: 416 });
  }
}

/** The backend failed (auth, network, quota, ...); `cause` holds the driver's error. */
export class StorageDriverError extends StowageError {
  readonly driver: string;

  constructor(driver: string, operation: string, name: string | undefined, cause: unknown) {
    const what = name === undefined ? operation : `${operation} ${JSON.stringify(name)}`;
    const reason = cause instanceof Error ? cause.message : String(cause);
    super("E_STORAGE", `The ${driver} storage failed to ${what}: ${reason}`, {
      cause,
      status: 502,
    });
    this.driver = driver;
  }
}

/** A signed URL's signature does not match its storage, name, expiry and disposition. */
export class SignatureInvalidError extends StowageError {
  constructor(reason: string) {
    super("E_SIGNATURE_INVALID", `The link's signature is not valid: ${reason}.`, {
      status: 403,
    });
  }
}

/** A signed URL is past its expiry time. */
export class SignatureExpiredError extends StowageError {
  constructor(expiredAt: Date) {
    super("E_SIGNATURE_EXPIRED", `The link expired at ${expiredAt.toISOString()}.`, {
      status: 403,
    });
  }
}

/**
 * Thrown by drivers (not by the policy layer) when a conditional create finds
 * the name taken; the policy layer turns it into a retry under another name.
 */
export class NameTakenError extends StowageError {
  constructor(name: string, options?: { cause?: unknown }) {
    super("E_NAME_TAKEN", `The name ${JSON.stringify(name)} is already taken.`, {
      ...options,
      status: 409,
    });
  }
}

/** An argument to a storage call is out of range or malformed (`expiresIn: 0`, a disposition with CR/LF). */
export class InvalidArgumentError extends StowageError {
  /** The option or argument at fault, e.g. `expiresIn`. */
  readonly argument: string;

  constructor(argument: string, message: string) {
    super("E_INVALID_ARGUMENT", message, { status: 400 });
    this.argument = argument;
  }
}

/** Metadata a save was given that not every driver can store (key syntax, size). */
export class InvalidMetadataError extends StowageError {
  constructor(message: string) {
    super("E_INVALID_METADATA", message, { status: 400 });
  }
}

/**
 * A name and the storage's folders disagree: `a.txt/b` under the file
 * `a.txt`, a folder reached through a symlink (the fs driver follows none),
 * or an overwrite of a name that is a folder.
 */
export class FolderConflictError extends StowageError {
  readonly objectName: string;

  constructor(name: string, reason: string, options?: { cause?: unknown }) {
    super("E_FOLDER_CONFLICT", `Cannot store ${JSON.stringify(name)}: ${reason}.`, {
      ...options,
      status: 409,
    });
    this.objectName = name;
  }
}

/** The caller's signal cancelled the save; nothing was left under the final name. */
export class SaveAbortedError extends StowageError {
  readonly objectName: string;

  constructor(name: string, options?: { cause?: unknown }) {
    super("E_ABORTED", `Saving ${JSON.stringify(name)} was cancelled; nothing was stored.`, {
      ...options,
      status: 400,
    });
    this.objectName = name;
  }
}
