import { deleteWithVariants } from "../images/variants.js";
import type { SaveOptions, Storage, StorageContent } from "../storage/types.js";
import { UnknownStorageError } from "./errors.js";
import type { ReferenceReader } from "./references.js";
import type { Storages, UnitOfWork } from "./types.js";

export interface UnitContext {
  storages: Storages;
  references: ReferenceReader;
  onDeleteError: (error: unknown, file: { storage: string; name: string }) => void;
}

interface StoredFile {
  storage: string;
  name: string;
}

/**
 * One unit of work: saves are tracked so a failure can take them back,
 * removals wait for success and for the references to agree.
 */
export async function runUnitOfWork<T>(
  context: UnitContext,
  work: (unit: UnitOfWork) => Promise<T>,
): Promise<T> {
  const created: StoredFile[] = [];
  const removed = new Map<string, StoredFile>();
  /** Saves still running: a failing `work` may not have awaited them all. */
  const pending = new Set<Promise<unknown>>();
  let open = true;

  const storageNamed = (name = "default"): Storage => {
    if (!Object.hasOwn(context.storages, name)) {
      throw new UnknownStorageError(name, Object.keys(context.storages));
    }
    return context.storages[name];
  };
  const track = (storage: string, start: () => Promise<string>): Promise<string> => {
    if (!open) {
      return Promise.reject(
        new Error("This unit of work has finished; start another one to save files."),
      );
    }
    const recorded = start().then((name) => {
      created.push({ storage, name });
      return name;
    });
    pending.add(recorded);
    recorded.then(
      () => pending.delete(recorded),
      () => pending.delete(recorded),
    );
    return recorded;
  };

  const unit: UnitOfWork = {
    save(name: string, content: StorageContent, options: SaveOptions & { storage?: string } = {}) {
      const { storage = "default", ...saveOptions } = options;
      const target = storageNamed(storage);
      return track(storage, () => target.save(name, content, saveOptions));
    },
    storage(name = "default") {
      return trackedStorage(storageNamed(name), (start) => track(name, start));
    },
    remove(name, options = {}) {
      if (name === null || name === undefined) return;
      const storage = options.storage ?? "default";
      storageNamed(storage);
      removed.set(JSON.stringify([storage, name]), { storage, name });
    },
  };

  let result: T;
  try {
    result = await work(unit);
  } catch (error) {
    open = false;
    await Promise.allSettled(pending);
    await Promise.all(created.map((file) => deleteQuietly(context, file)));
    throw error;
  }
  open = false;
  await Promise.allSettled(pending);
  await Promise.all([...removed.values()].map((file) => removeIfUnreferenced(context, file)));
  return result;
}

/** After success: gone only when nothing names it any more; a failure is reported, never thrown. */
async function removeIfUnreferenced(context: UnitContext, file: StoredFile): Promise<void> {
  try {
    if (!context.references.empty) {
      if (await context.references.isReferenced(file.name, file.storage)) return;
    }
    await deleteWithVariants(context.storages[file.storage], file.name);
  } catch (error) {
    report(context, error, file);
  }
}

async function deleteQuietly(context: UnitContext, file: StoredFile): Promise<void> {
  try {
    await deleteWithVariants(context.storages[file.storage], file.name);
  } catch (error) {
    report(context, error, file);
  }
}

function report(context: UnitContext, error: unknown, file: StoredFile): void {
  try {
    context.onDeleteError(error, file);
  } catch {
    // A throwing handler must not turn a finished unit of work into a failure.
  }
}

/** `storage` with save and copy reported to `track`; every other call passes straight through. */
function trackedStorage(
  storage: Storage,
  track: (start: () => Promise<string>) => Promise<string>,
): Storage {
  return {
    save: (name, content, options) => track(() => storage.save(name, content, options)),
    copy: (from, to, options) => track(() => storage.copy(from, to, options)),
    open: (name, options) => storage.open(name, options),
    read: (name) => storage.read(name),
    delete: (name) => storage.delete(name),
    exists: (name) => storage.exists(name),
    stat: (name) => storage.stat(name),
    list: (prefix) => storage.list(prefix),
    url: (name) => storage.url(name),
    signedUrl: (name, options) => storage.signedUrl(name, options),
  };
}
