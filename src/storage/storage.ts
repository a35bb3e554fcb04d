import { unlink } from "node:fs/promises";
import type { Readable } from "node:stream";
import { lookup } from "mrmime";
import { StowageError } from "../errors.js";
import { isInMemory, isLocalFile, type StorageDriver } from "./driver.js";
import {
  InvalidRangeError,
  NameConflictError,
  NameTakenError,
  SaveAbortedError,
  StorageDriverError,
  StorageNotFoundError,
} from "./errors.js";
import { checkMetadata } from "./metadata.js";
import { candidateNames, checkName, validName } from "./names.js";
import { isUnread, SaveBodies } from "./save-bodies.js";
import { checkDisposition, checkExpiresIn } from "./signing.js";
import type {
  ByteRange,
  LocalFileContent,
  OpenOptions,
  SaveOptions,
  SignedUrlOptions,
  Storage,
  StorageContent,
  StorageStat,
} from "./types.js";

export interface PolicyOptions {
  /**
   * Longest name a save produces, folders included (characters). Longer
   * names get their root shortened.
   * @default 255
   */
  maxLength?: number;
  /**
   * Rewrite a cleaned name before it is stored. Its result goes through the
   * same validation again.
   * @default the cleaned name as it is
   */
  getValidName?: (name: string) => string;
  /** Random suffix source for alternative names (tests make it predictable). @default randomSuffix (seven letters and digits) */
  random?: () => string;
}

/** Saves that lose every race on a driver without re-linking give up after this many names. */
const MAX_ATTEMPTS = 10;

/**
 * The one place the name policy lives: every public call validates its
 * names here, drivers only ever see checked keys, and driver failures come
 * out as typed errors (only a real not-found becomes `null`/`false`).
 */
export function createPolicyStorage(driver: StorageDriver, options: PolicyOptions = {}): Storage {
  const fail = (operation: string, name: string | undefined, error: unknown): never => {
    if (error instanceof StowageError) throw error;
    throw new StorageDriverError(driver.kind, operation, name, error);
  };

  const requestedName = (name: string): string => {
    const valid = validName(name);
    return options.getValidName ? validName(options.getValidName(valid)) : valid;
  };

  function* checkedCandidates(name: string): Generator<string> {
    for (const candidate of candidateNames(name, options)) yield checkName(candidate);
  }

  async function firstFree(candidates: Iterator<string>): Promise<string> {
    for (;;) {
      const candidate = candidates.next().value as string;
      if ((await driver.head(candidate)) === null) return candidate;
    }
  }

  async function save(name: string, content: StorageContent, saveOptions: SaveOptions = {}) {
    const target = requestedName(name);
    const metadata = checkMetadata(saveOptions.metadata);
    if (saveOptions.signal?.aborted) {
      throw new SaveAbortedError(target, { cause: saveOptions.signal.reason });
    }
    const local = isLocalFile(content)
      ? { localPath: content.localPath, move: content.move ?? false }
      : undefined;
    const finalName = await saveContent(target, content, local, { ...saveOptions, metadata });
    // The caller gave a moved file up: whatever the driver did not take over goes now.
    if (local?.move) await unlinkQuietly(local.localPath);
    return finalName;
  }

  async function saveContent(
    target: string,
    content: StorageContent,
    local: LocalFileContent | undefined,
    saveOptions: SaveOptions,
  ): Promise<string> {
    const { overwrite, ...rest } = saveOptions;
    const writeOptions = { ...rest, contentType: rest.contentType ?? lookup(target) };
    const signal = saveOptions.signal;
    const bodies = new SaveBodies(driver, content, local, signal);
    try {
      if (overwrite) {
        // The exact name is wanted: one too long for a file system is refused, not shortened.
        await driver.put(checkName(target), await bodies.next(), writeOptions);
        return target;
      }
      const candidates = checkedCandidates(target);
      if (driver.createFirstFree) {
        return checkName(
          await driver.createFirstFree(candidates, await bodies.next(), writeOptions),
        );
      }
      let body = await bodies.next();
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        // Every driver refuses a taken name under ifNoneMatch, so with bytes in hand a taken
        // name only costs a retry: skip the HEAD. A stream (or a file to upload) looks first.
        const candidate = isInMemory(content)
          ? (candidates.next().value as string)
          : await firstFree(candidates);
        try {
          await driver.put(candidate, body, { ...writeOptions, ifNoneMatch: true });
          return candidate;
        } catch (error) {
          if (!(error instanceof NameTakenError)) throw error;
          // A stream the driver refused before reading it can go to the next name as it is.
          if (isUnread(body)) continue;
          // One that already went to the lost name cannot be sent again.
          if (!bodies.replayable) throw new NameConflictError(target, { cause: error });
          body = await bodies.next();
        }
      }
      throw new NameConflictError(target);
    } catch (error) {
      if (signal?.aborted && !(error instanceof StowageError)) {
        throw new SaveAbortedError(target, { cause: error });
      }
      return fail("save", target, error);
    } finally {
      bodies.dispose();
    }
  }

  async function open(given: string, openOptions: OpenOptions = {}): Promise<Readable> {
    const name = checkName(given);
    if (openOptions.range) checkRange(openOptions.range);
    let stream: Readable | null;
    try {
      stream = await driver.get(name, openOptions);
    } catch (error) {
      return fail("open", name, error);
    }
    if (stream === null) throw new StorageNotFoundError(name);
    return stream;
  }

  async function stat(given: string): Promise<StorageStat | null> {
    const name = checkName(given);
    try {
      const found = await driver.head(name);
      return found && { ...found, name };
    } catch (error) {
      return fail("stat", name, error);
    }
  }

  async function copyOnDriver(from: string, target: string, overwrite: boolean): Promise<string> {
    const copy = driver.copy!.bind(driver);
    if (overwrite) {
      if (!(await copy(from, target, {}))) throw new StorageNotFoundError(from);
      return target;
    }
    const candidates = checkedCandidates(target);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const candidate = await firstFree(candidates);
      try {
        if (!(await copy(from, candidate, { ifNoneMatch: true })))
          throw new StorageNotFoundError(from);
        return candidate;
      } catch (error) {
        if (!(error instanceof NameTakenError)) throw error;
      }
    }
    throw new NameConflictError(target);
  }

  const storage: Storage = {
    save,
    open,
    stat,
    async read(given) {
      const name = checkName(given);
      if (!driver.read) {
        const chunks: Buffer[] = [];
        for await (const chunk of await open(name)) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      }
      let found: Buffer | null;
      try {
        found = await driver.read(name);
      } catch (error) {
        return fail("read", name, error);
      }
      if (found === null) throw new StorageNotFoundError(name);
      return found;
    },
    async delete(given) {
      const name = checkName(given);
      try {
        await driver.delete(name);
      } catch (error) {
        fail("delete", name, error);
      }
    },
    async exists(name) {
      return (await stat(name)) !== null;
    },
    list(given = "") {
      const prefix = given === "" ? "" : checkPrefix(given);
      return wrapIterable(driver.list(prefix), (error) => fail("list", prefix, error));
    },
    url(name) {
      return driver.url(checkName(name));
    },
    async signedUrl(given, signOptions: SignedUrlOptions = {}) {
      const name = checkName(given);
      const expiresIn = checkExpiresIn(signOptions.expiresIn);
      const disposition = checkDisposition(signOptions.disposition);
      try {
        return await driver.signedUrl(name, { expiresIn, disposition });
      } catch (error) {
        return fail("sign a URL for", name, error);
      }
    },
    async copy(given, to, copyOptions = {}) {
      const from = checkName(given);
      const target = requestedName(to);
      if (!driver.copy) {
        const source = await stat(from);
        if (source === null) throw new StorageNotFoundError(from);
        return save(target, await open(from), {
          overwrite: copyOptions.overwrite,
          contentType: source.contentType,
          metadata: source.metadata,
        });
      }
      try {
        return await copyOnDriver(from, target, copyOptions.overwrite ?? false);
      } catch (error) {
        return fail("copy to", target, error);
      }
    },
  };
  if (driver.presignUpload) {
    const presign = driver.presignUpload.bind(driver);
    storage.presignUpload = async (name, presignOptions) => {
      checkName(name);
      try {
        return await presign(name, presignOptions);
      } catch (error) {
        return fail("presign an upload to", name, error);
      }
    };
  }
  return storage;
}

/** Best effort: the object is stored, so a source that cannot be removed must not fail the save. */
async function unlinkQuietly(file: string): Promise<void> {
  await unlink(file).catch(() => undefined);
}

function checkRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new InvalidRangeError(`A range must start at a whole number >= 0, got ${start}.`);
  }
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
    throw new InvalidRangeError(`A range must end at or after its start (${start}), got ${end}.`);
  }
}

/** A list prefix may end with `/` or be a partial name, but may not escape the root. */
function checkPrefix(prefix: string): string {
  return prefix.endsWith("/") ? checkName(`${prefix}x`).slice(0, -1) : checkName(prefix);
}

/** A name no save makes: a part starting with `.` (temp files, claims, files placed by hand). */
function isHidden(name: string): boolean {
  return name.startsWith(".") || name.includes("/.");
}

/** The driver's listing without hidden names, its failures wrapped. */
async function* wrapIterable<T extends { name: string }>(
  source: AsyncIterable<T>,
  onError: (error: unknown) => never,
) {
  try {
    for await (const entry of source) if (!isHidden(entry.name)) yield entry;
  } catch (error) {
    onError(error);
  }
}
