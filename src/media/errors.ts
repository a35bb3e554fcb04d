import { StowageError } from "../errors.js";

/** The database could not be reached, or a query on it failed. */
export class DatabaseError extends StowageError {
  constructor(what: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super("E_DATABASE", `${what}: ${reason.split("\n")[0]}`, { cause, status: 503 });
  }
}

/** A configured reference names a table or column the database does not have. */
export class ReferenceColumnError extends StowageError {
  /** `table.column` as configured. */
  readonly reference: string;

  constructor(reference: string, message: string) {
    super("E_REFERENCE_COLUMN", message);
    this.reference = reference;
  }
}

/**
 * A reference holds a value that cannot be a stored name (`../etc/passwd`,
 * an absolute path, a URL, a number). The column is probably not the one
 * that holds names, and trusting it would make every file look orphaned.
 */
export class InvalidReferenceError extends StowageError {
  readonly reference: string;
  readonly value: unknown;

  constructor(reference: string, value: unknown, reason: string, options?: { cause?: unknown }) {
    const shown =
      typeof value === "string" ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
    super(
      "E_INVALID_REFERENCE",
      `The reference ${reference} holds ${shown}, which cannot be a stored name (${reason}).`,
      options,
    );
    this.reference = reference;
    this.value = value;
  }
}

/** A storage name that is neither "default" nor an entry of `storages`. */
export class UnknownStorageError extends StowageError {
  readonly storage: string;

  constructor(storage: string, known: string[]) {
    const list = known.map((name) => JSON.stringify(name)).join(", ");
    super(
      "E_UNKNOWN_STORAGE",
      `There is no storage named ${JSON.stringify(storage)} (known: ${list}).`,
      {
        status: 400,
      },
    );
    this.storage = storage;
  }
}

/** A duration such as `--older-than` that does not parse. */
export class InvalidDurationError extends StowageError {
  constructor(value: unknown) {
    const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
    super(
      "E_INVALID_DURATION",
      `${shown} is not a duration: use milliseconds or a number with s, m, h or d ("90s", "30m", "2h", "7d").`,
      { status: 400 },
    );
  }
}

/** The sweep cannot run as configured (no references, no database for columns). */
export class CleanupConfigError extends StowageError {
  constructor(message: string) {
    super("E_CLEANUP_CONFIG", message);
  }
}

/**
 * The sweep stopped. `deleted` says how far it got: 0 when it stopped while
 * listing or reading references, which is always before the first deletion.
 */
export class CleanupError extends StowageError {
  readonly deleted: number;

  constructor(deleted: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const where =
      deleted === 0
        ? "Cleanup stopped; nothing was deleted"
        : `Cleanup stopped after deleting ${deleted} file${deleted === 1 ? "" : "s"}`;
    super("E_CLEANUP", `${where}: ${reason.split("\n")[0]}`, { cause });
    this.deleted = deleted;
  }
}

/** A storage's listing failed part way; the sweep stops before deleting anything. */
export class StorageListingError extends StowageError {
  readonly storage: string;

  constructor(storage: string, listed: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      "E_STORAGE_LISTING",
      `Listing the storage ${JSON.stringify(storage)} failed after ${listed} file${listed === 1 ? "" : "s"}: ${reason}`,
      { cause },
    );
    this.storage = storage;
  }
}

/** The sweep's temporary SQLite file or the thread that keeps it failed (a full disk, say). */
export class ScratchError extends StowageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("E_CLEANUP_SCRATCH", `The sweep's scratch file failed: ${message}`, options);
  }
}
